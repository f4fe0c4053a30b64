package dev.forkpoint.learner.config;

/**
 * DAPO dynamic sampling (algorithms.md section 2), switched on by the config key {@code dynamic_sampling: {}}.
 * It has no options of its own: how many prompt batches a step may draw is the update loop's
 * {@code training.maxGenBatches} (the spec's {@code maxGenBatches}, next to {@code trainBatchPrompts}, which is
 * {@code training.promptsPerStep}).
 */
public record DynamicSamplingOptions() {

    public static final DynamicSamplingOptions DEFAULT = new DynamicSamplingOptions();
}
