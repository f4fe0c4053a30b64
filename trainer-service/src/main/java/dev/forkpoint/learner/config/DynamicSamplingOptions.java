package dev.forkpoint.learner.config;

/**
 * DAPO dynamic sampling (algorithms.md section 2). Config key {@code dynamic_sampling}.
 *
 * @param maxGenBatches {@code dynamic_sampling.max_gen_batches}: most prompt batches drawn per step before the
 *                      step proceeds with the groups that survived; default 10 (DAPO recipe)
 */
public record DynamicSamplingOptions(int maxGenBatches) {

    public static final DynamicSamplingOptions DEFAULT = new DynamicSamplingOptions(10);

    public DynamicSamplingOptions {
        if (maxGenBatches < 1) {
            throw new IllegalArgumentException("dynamic_sampling.max_gen_batches = " + maxGenBatches
                    + ": must be >= 1");
        }
    }
}
