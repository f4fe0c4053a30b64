package dev.forkpoint.analytics.stats;

/**
 * Mean token entropy of one group of tokens (correct responses, a pass-rate bucket, a position bucket).
 *
 * @param mean    token-weighted mean of the finite entropies in the group, {@code null} when it has none
 * @param tokens  number of finite-entropy tokens in the group
 * @param members sequences in the group (for pass-rate buckets: prompts)
 */
public record GroupMean(Double mean, long tokens, int members) {
    static GroupMean of(double sum, long tokens, int members) {
        return new GroupMean(tokens == 0 ? null : sum / tokens, tokens, members);
    }
}
