package dev.forkpoint.rollout.cluster;

import dev.forkpoint.rollout.batch.RolloutBatch;
import java.io.Serializable;

/**
 * A sampled shard.
 *
 * @param worker        the worker that sampled it
 * @param batch         its rows, groups numbered from 0 within the shard
 * @param seconds       the worker's time on it, weights fetch included
 * @param fetchSeconds  of that, fetching and loading a new weight version (0 when it had the version)
 */
public record ShardResult(String worker, RolloutBatch batch, double seconds, double fetchSeconds)
        implements Serializable {}
