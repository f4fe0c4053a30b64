package dev.forkpoint.learner.config;

import dev.forkpoint.learner.config.schema.Section;

/**
 * DAPO dynamic sampling (docs/algorithms.md section 2), switched on by {@code dynamicSampling: {}}. It has no keys
 * of its own: how many prompt batches a step may draw is {@code training.maxGenBatches}.
 */
public record DynamicSamplingOptions() {

    public static final Section<DynamicSamplingOptions> PART = Section.<DynamicSamplingOptions>optional("dynamicSampling")
            .factory(v -> new DynamicSamplingOptions())
            .retired("maxGenBatches", "the bound on prompt batches per step is training.maxGenBatches; write "
                    + "dynamicSampling: {}")
            .retired("max_gen_batches", "the bound on prompt batches per step is training.maxGenBatches; write "
                    + "dynamicSampling: {}")
            .source("DAPO (Yu et al.)")
            .help("Keeps only prompt groups whose accuracies vary, drawing up to training.maxGenBatches prompt "
                    + "batches per step to fill training.promptsPerStep groups (section 2).");
}
