package dev.forkpoint.rollout.cluster;

/** A shard from a trainer of another Forkpoint build: refused, as its samples could differ. */
public final class IncompatibleVersionException extends RuntimeException {

    public IncompatibleVersionException(String message) {
        super(message);
    }
}
