package dev.forkpoint.analytics.input;

import java.util.Objects;

/**
 * The per-token entropies of one generated response (response tokens only: prompt and padding are never part of
 * it, docs/algorithms.md "Batch statistics").
 *
 * @param entropies  full-vocabulary entropy in nats per response token ({@code H_old} or {@code H}); non-finite
 *                   values are allowed here and are counted and excluded by the summariser
 * @param tokenIds   the generated token ids, same length as {@code entropies}
 * @param correct    the verifier's outcome for the whole response
 * @param promptId   the prompt this response answers; responses sharing it form one pass-rate group
 * @param covariance optional per-token {@code cov = (A - mean A)(lp - mean lp)} (docs/algorithms.md 8), same length as
 *                   {@code entropies}, or {@code null}; within one batch either every sequence has it or none
 */
public record SequenceEntropies(float[] entropies, int[] tokenIds, boolean correct, String promptId,
                                float[] covariance) {
    public SequenceEntropies {
        Objects.requireNonNull(entropies, "entropies");
        Objects.requireNonNull(tokenIds, "tokenIds");
        Objects.requireNonNull(promptId, "promptId");
        if (tokenIds.length != entropies.length) {
            throw new IllegalArgumentException("tokenIds.length = " + tokenIds.length
                    + ": must equal entropies.length = " + entropies.length);
        }
        if (covariance != null && covariance.length != entropies.length) {
            throw new IllegalArgumentException("covariance.length = " + covariance.length
                    + ": must equal entropies.length = " + entropies.length);
        }
    }

    /** A sequence without covariance values. */
    public SequenceEntropies(float[] entropies, int[] tokenIds, boolean correct, String promptId) {
        this(entropies, tokenIds, correct, promptId, null);
    }

    public int length() {
        return entropies.length;
    }
}
