package dev.forkpoint.analytics.stats;

import java.util.List;

/**
 * One whole response kept by the reservoir sample, for inspection.
 *
 * @param sequenceIndex index of the sequence within its step batch
 * @param promptId      the prompt it answers
 * @param correct       the verifier's outcome
 * @param tokens        display string per token
 * @param tokenIds      token id per token
 * @param entropies     entropy per token in nats; {@code null} where the input was NaN or infinite (JSON has no
 *                      NaN, and a made-up number would be a silent wrong value)
 */
public record SampledSequence(int sequenceIndex, String promptId, boolean correct, List<String> tokens,
                              List<Integer> tokenIds, List<Double> entropies) {
    public SampledSequence {
        tokens = List.copyOf(tokens);
        tokenIds = List.copyOf(tokenIds);
        entropies = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(entropies));
        if (tokens.size() != entropies.size() || tokenIds.size() != entropies.size()) {
            throw new IllegalArgumentException("tokens.size() = " + tokens.size() + ", tokenIds.size() = "
                    + tokenIds.size() + ": must both equal entropies.size() = " + entropies.size());
        }
    }
}
