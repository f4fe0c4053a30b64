package dev.forkpoint.rollout.cluster;

/**
 * A worker could not read the weight version a shard names (its chunks lost with a member, or a checkpoint not
 * readable at the shared path); the trainer publishes the version again and retries the shard.
 */
public final class WeightsUnavailableException extends RuntimeException {

    public WeightsUnavailableException(String message) {
        super(message);
    }
}
