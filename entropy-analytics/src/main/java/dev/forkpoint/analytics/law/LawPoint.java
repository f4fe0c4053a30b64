package dev.forkpoint.analytics.law;

/**
 * One evaluated step for the entropy-performance law.
 *
 * @param step        training step
 * @param entropy     mean token entropy H of the step's training rollouts, nats
 * @param performance the performance R at that step (accuracy in [0, 1])
 */
public record LawPoint(long step, double entropy, double performance) {
    public LawPoint {
        if (!Double.isFinite(entropy)) {
            throw new IllegalArgumentException("step " + step + ": entropy = " + entropy + ": must be finite");
        }
        if (!Double.isFinite(performance)) {
            throw new IllegalArgumentException("step " + step + ": performance = " + performance
                    + ": must be finite");
        }
    }
}
