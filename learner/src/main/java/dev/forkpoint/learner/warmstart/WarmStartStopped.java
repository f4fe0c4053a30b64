package dev.forkpoint.learner.warmstart;

/**
 * A warm start stopped at a step boundary because its caller asked (the service shutting down): nothing of it is
 * kept, and a run that was warm-starting starts again, deterministically, at the next start.
 */
public final class WarmStartStopped extends RuntimeException {

    private final long step;

    public WarmStartStopped(long step) {
        super("warm start stopped at step " + step + " on request");
        this.step = step;
    }

    /** Supervised steps done when it stopped. */
    public long step() {
        return step;
    }
}
