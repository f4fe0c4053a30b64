package dev.forkpoint.learner.config;

import dev.forkpoint.learner.config.schema.Field;
import dev.forkpoint.learner.config.schema.Section;

/**
 * Supervised warm start of a fresh run (docs/warm-start.md): before RL, the built-in policy is fine-tuned on the
 * task's worked solutions, so RL starts from a policy that solves part of the task. Only a fresh run without
 * {@code model.checkpoint} does it; a resumed run continues from its checkpoint.
 */
public record WarmStartSpec(int steps, double learningRate, int batchSize) {

    static final Field<WarmStartSpec, Integer> STEPS = Field.integer("steps", WarmStartSpec::steps)
            .defaultValue(0).between(0, 100_000)
            .help("Supervised steps on the task's worked solutions before RL; 0 = no warm start.");
    static final Field<WarmStartSpec, Double> LEARNING_RATE = Field.number("learningRate", WarmStartSpec::learningRate)
            .defaultValue(1e-3).above(0).max(1)
            .help("AdamW peak learning rate of the warm start, after min(100, steps / 10) linear warm-up steps "
                    + "(1e-3 is the measured recipe of docs/warm-start.md).");
    static final Field<WarmStartSpec, Integer> BATCH_SIZE = Field.integer("batchSize", WarmStartSpec::batchSize)
            .defaultValue(64).between(1, 4096)
            .help("Worked-solution sequences per supervised step.");

    public static final Section<WarmStartSpec> SCHEMA = Section.<WarmStartSpec>always("warmStart")
            .fields(STEPS, LEARNING_RATE, BATCH_SIZE)
            .factory(v -> new WarmStartSpec(v.get(STEPS), v.get(LEARNING_RATE), v.get(BATCH_SIZE)))
            .help("Supervised fine-tuning on the task's worked solutions before RL, for a fresh run (the built-in "
                    + "model from the seed, or a model.path model; with model.lora only the adapters train).");

    /** Whether the run fine-tunes before RL. */
    public boolean enabled() {
        return steps > 0;
    }

    /** Linear learning-rate warm-up of the supervised steps. */
    public int warmupSteps() {
        return Math.min(100, steps / 10);
    }
}
