package dev.forkpoint.learner.shaping;

/**
 * DAPO overlong reward shaping (docs/algorithms.md section 2): with {@code exceed = len - (Lmax - Lbuf)},
 * {@code R = score + min(-exceed / Lbuf * factor, 0)}: no penalty before the buffer, a linear penalty up
 * to {@code factor} at Lmax.
 *
 * @param maxResponseLength Lmax
 * @param overlongBuffer    Lbuf
 * @param penaltyFactor     the penalty at Lmax
 */
public record OverlongRewardShaping(int maxResponseLength, int overlongBuffer, double penaltyFactor) {

    public OverlongRewardShaping {
        if (overlongBuffer < 1 || overlongBuffer > maxResponseLength) {
            throw new IllegalArgumentException("overlong_buffer = " + overlongBuffer
                    + ": must be in [1, max_response_length = " + maxResponseLength + "]");
        }
        if (!(penaltyFactor >= 0) || Double.isInfinite(penaltyFactor)) {
            throw new IllegalArgumentException("penalty_factor = " + penaltyFactor + ": must be a finite number >= 0");
        }
    }

    public double shape(double score, int length) {
        double exceed = length - (maxResponseLength - overlongBuffer);
        return score + Math.min(-exceed / overlongBuffer * penaltyFactor, 0.0);
    }

    public double[] shape(double[] scores, int[] lengths) {
        if (scores.length != lengths.length) {
            throw new IllegalArgumentException("scores (" + scores.length + ") and lengths (" + lengths.length
                    + "): must have one entry per response");
        }
        double[] out = new double[scores.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = shape(scores[i], lengths[i]);
        }
        return out;
    }
}
