package dev.forkpoint.rollout.sampler;

import ai.djl.ndarray.NDArray;

/** The sampling temperature of every row at one decoding step. */
public interface TemperatureRule {

    /**
     * Temperatures {@code (B, 1)} float32 for the rows whose T=1 entropies are {@code entropy (B,)},
     * on the same manager as {@code entropy}.
     */
    NDArray temperatures(NDArray entropy);
}
