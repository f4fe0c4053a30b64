package dev.forkpoint.analytics.stats;

import dev.forkpoint.analytics.input.StepKey;
import java.util.List;
import java.util.Objects;

/**
 * Everything stored for one (run, step, phase): the aggregates, the top forking-token strings and the sampled
 * sequences.
 *
 * @param key              run, step and phase
 * @param aggregates       the aggregate statistics
 * @param topForkingTokens the most frequent forking-token strings, count descending then string ascending
 * @param samples          the reservoir sample of whole sequences
 */
public record StepEntropyStats(StepKey key, EntropyAggregates aggregates, List<TokenCount> topForkingTokens,
                               List<SampledSequence> samples) {
    public StepEntropyStats {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(aggregates, "aggregates");
        topForkingTokens = List.copyOf(topForkingTokens);
        samples = List.copyOf(samples);
    }
}
