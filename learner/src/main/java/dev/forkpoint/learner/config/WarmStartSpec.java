package dev.forkpoint.learner.config;

import dev.forkpoint.learner.config.schema.Field;
import dev.forkpoint.learner.config.schema.Section;
import dev.forkpoint.learner.warmstart.PromptCompletionData;
import java.nio.file.Path;

/**
 * Supervised warm start of a fresh run (docs/warm-start.md): before RL, the built-in policy is fine-tuned on the
 * task's worked solutions, so RL starts from a policy that solves part of the task. Only a fresh run without
 * {@code model.checkpoint} does it; a resumed run continues from its checkpoint.
 */
public record WarmStartSpec(int steps, double learningRate, int batchSize, String data) {

    static final Field<WarmStartSpec, Integer> STEPS = Field.integer("steps", WarmStartSpec::steps)
            .defaultValue(0).between(0, 100_000)
            .help("Supervised steps on the task's worked solutions before RL; 0 = no warm start.");
    static final Field<WarmStartSpec, Double> LEARNING_RATE = Field.number("learningRate", WarmStartSpec::learningRate)
            .defaultValue(1e-3).above(0).max(1)
            .help("AdamW peak learning rate of the warm start, after min(100, steps / 10) linear warm-up steps "
                    + "(1e-3 is the measured recipe of docs/warm-start.md).");
    static final Field<WarmStartSpec, Integer> BATCH_SIZE = Field.integer("batchSize", WarmStartSpec::batchSize)
            .defaultValue(64).between(1, 4096)
            .help("Sequences per supervised step.");
    static final Field<WarmStartSpec, String> DATA = Field.string("data", WarmStartSpec::data)
            .nullable("the task's worked solutions")
            .help("A JSONL file of prompt/completion pairs to fine-tune on instead of the task's worked solutions "
                    + "(TRL's prompt-completion format): per line {\"prompt\": text or [messages], \"completion\": "
                    + "text or [one assistant message]}. Prompts are encoded as the task's are (the chat template "
                    + "when the model has one); the loss is on the completion and eos. Checked at submission.");

    public static final Section<WarmStartSpec> SCHEMA = Section.<WarmStartSpec>always("warmStart")
            .fields(STEPS, LEARNING_RATE, BATCH_SIZE, DATA)
            .factory(v -> new WarmStartSpec(v.get(STEPS), v.get(LEARNING_RATE), v.get(BATCH_SIZE), v.get(DATA)))
            .rule((w, path, errors) -> {
                if (w.data() == null) {
                    return;
                }
                String field = path + ".data";
                if (w.data().isBlank() || w.data().length() > 4096) {
                    errors.add(field, field + ": must be a non-blank path of at most 4096 characters");
                } else if (!w.enabled()) {
                    errors.add(field, field + ": set " + path + ".steps too (it is 0: no warm start)");
                } else {
                    try {
                        PromptCompletionData.read(Path.of(w.data()));
                    } catch (IllegalArgumentException e) {
                        errors.add(field, e.getMessage());
                    }
                }
            })
            .help("Supervised fine-tuning on the task's worked solutions (or data) before RL, for a fresh run (the built-in "
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
