package dev.forkpoint.rollout.cluster;

/**
 * A rollout that was waiting for rollout workers gave up because its caller asked (the service shutting down); the
 * step is not taken, and a resumed run takes it again from its last checkpoint.
 */
public final class RolloutStopped extends RuntimeException {

    public RolloutStopped(String message) {
        super(message);
    }
}
