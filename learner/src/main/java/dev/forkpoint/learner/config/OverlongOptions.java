package dev.forkpoint.learner.config;

/**
 * DAPO overlong reward shaping (algorithms.md section 2). Config key {@code overlong}.
 *
 * @param maxResponseLength {@code overlong.max_response_length}: Lmax; null = the sampler's max new tokens
 * @param overlongBuffer    {@code overlong.overlong_buffer}: Lbuf, the soft-penalty zone before Lmax;
 *                          null = Lmax / 5 (DAPO's recipe: 4096 of 20480)
 * @param penaltyFactor     {@code overlong.penalty_factor}: penalty at Lmax; default 1.0
 */
public record OverlongOptions(Integer maxResponseLength, Integer overlongBuffer, double penaltyFactor) {

    public static final OverlongOptions DEFAULT = new OverlongOptions(null, null, 1.0);

    public OverlongOptions {
        if (maxResponseLength != null && maxResponseLength < 1) {
            throw new IllegalArgumentException("overlong.max_response_length = " + maxResponseLength
                    + ": must be >= 1");
        }
        if (overlongBuffer != null && overlongBuffer < 1) {
            throw new IllegalArgumentException("overlong.overlong_buffer = " + overlongBuffer + ": must be >= 1");
        }
        if (maxResponseLength != null && overlongBuffer != null && overlongBuffer > maxResponseLength) {
            throw new IllegalArgumentException("overlong.overlong_buffer = " + overlongBuffer
                    + ": must not exceed overlong.max_response_length = " + maxResponseLength);
        }
        ConfigChecks.atLeast("overlong.penalty_factor", penaltyFactor, 0);
    }

    /** Lmax: the configured value, else the sampler's {@code maxNewTokens}. */
    public int resolvedMaxLength(int maxNewTokens) {
        return maxResponseLength != null ? maxResponseLength : maxNewTokens;
    }

    /** Lbuf for the resolved {@code maxLength}: the configured value, else maxLength / 5 (at least 1). */
    public int resolvedBuffer(int maxLength) {
        return overlongBuffer != null ? overlongBuffer : Math.max(1, maxLength / 5);
    }
}
