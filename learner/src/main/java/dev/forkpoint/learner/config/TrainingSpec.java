package dev.forkpoint.learner.config;

import dev.forkpoint.learner.config.schema.Field;
import dev.forkpoint.learner.config.schema.Section;
import dev.forkpoint.learner.optim.AdamW;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The optimisation loop of one run. */
public record TrainingSpec(int steps, int promptsPerStep, int groupSize, int ppoEpochs, int miniBatches,
                           double learningRate, int warmupSteps, String lrSchedule, double minLrRatio,
                           double weightDecay, double gradClip, int evalEvery, int evalSize, int checkpointEvery,
                           int keepCheckpoints, int maxGenBatches, Integer logitChunkTokens,
                           Boolean gradientCheckpointing) {

    /** The values {@code lrSchedule} accepts: {@link AdamW.Decay}'s, in lower case. */
    public static final List<String> LR_SCHEDULES = Arrays.stream(AdamW.Decay.values())
            .map(d -> d.name().toLowerCase(Locale.ROOT)).toList();

    static final Field<TrainingSpec, Integer> STEPS = Field.integer("steps", TrainingSpec::steps)
            .defaultValue(200).between(1, 1_000_000).help("Training steps (rollout + update) of the run.");
    static final Field<TrainingSpec, Integer> PROMPTS_PER_STEP = Field.integer("promptsPerStep",
                    TrainingSpec::promptsPerStep)
            .defaultValue(16).between(1, 4096).source("DAPO's trainBatchPrompts with dynamic sampling")
            .help("Prompts per step (with dynamic sampling: prompt groups to keep per step).");
    static final Field<TrainingSpec, Integer> GROUP_SIZE = Field.integer("groupSize", TrainingSpec::groupSize)
            .defaultValue(8).between(1, 1024).source("GRPO's group (TRL num_generations, verl rollout.n)")
            .help("Responses sampled per prompt: the group that group-relative advantages compare; at least 2.");
    static final Field<TrainingSpec, Integer> PPO_EPOCHS = Field.integer("ppoEpochs", TrainingSpec::ppoEpochs)
            .defaultValue(1).between(1, 64).help("Passes over each rollout batch.");
    static final Field<TrainingSpec, Integer> MINI_BATCHES = Field.integer("miniBatches", TrainingSpec::miniBatches)
            .defaultValue(1).between(1, 4096)
            .help("Optimiser steps per epoch; at most promptsPerStep * groupSize.");
    static final Field<TrainingSpec, Double> LEARNING_RATE = Field.number("learningRate", TrainingSpec::learningRate)
            .defaultValue(1e-4).above(0).max(1).help("AdamW peak learning rate.");
    static final Field<TrainingSpec, Integer> WARMUP_STEPS = Field.integer("warmupSteps", TrainingSpec::warmupSteps)
            .defaultValue(0).between(0, 1_000_000).help("Linear learning-rate warm-up in steps; at most steps.");
    static final Field<TrainingSpec, String> LR_SCHEDULE = Field.choice("lrSchedule", TrainingSpec::lrSchedule,
                    LR_SCHEDULES)
            .defaultValue("constant").source("TRL's and verl's lr_scheduler_type")
            .help("After the warm-up: constant, or a linear or cosine decay that reaches minLrRatio * learningRate "
                    + "at the last step.");
    static final Field<TrainingSpec, Double> MIN_LR_RATIO = Field.number("minLrRatio", TrainingSpec::minLrRatio)
            .defaultValue(0.0).between(0, 1).help("Floor of a decaying schedule, as a fraction of learningRate.");
    static final Field<TrainingSpec, Double> WEIGHT_DECAY = Field.number("weightDecay", TrainingSpec::weightDecay)
            .defaultValue(0.0).between(0, 1).help("AdamW decoupled weight decay.");
    static final Field<TrainingSpec, Double> GRAD_CLIP = Field.number("gradClip", TrainingSpec::gradClip)
            .defaultValue(1.0).above(0).max(1e4).help("Global gradient-norm clip.");
    static final Field<TrainingSpec, Integer> EVAL_EVERY = Field.integer("evalEvery", TrainingSpec::evalEvery)
            .defaultValue(10).between(0, 1_000_000)
            .help("Greedy held-out evaluation every this many steps; 0 never.");
    static final Field<TrainingSpec, Integer> EVAL_SIZE = Field.integer("evalSize", TrainingSpec::evalSize)
            .defaultValue(64).between(1, 1_000_000).help("Held-out problems per evaluation.");
    static final Field<TrainingSpec, Integer> CHECKPOINT_EVERY = Field.integer("checkpointEvery",
                    TrainingSpec::checkpointEvery)
            .defaultValue(20).between(1, 1_000_000).help("Checkpoint every this many steps (and at the end).");
    static final Field<TrainingSpec, Integer> KEEP_CHECKPOINTS = Field.integer("keepCheckpoints",
                    TrainingSpec::keepCheckpoints)
            .defaultValue(3).between(1, 1000)
            .help("Newest checkpoints kept, besides the best by eval accuracy.");
    static final Field<TrainingSpec, Integer> MAX_GEN_BATCHES = Field.integer("maxGenBatches",
                    TrainingSpec::maxGenBatches)
            .defaultValue(4).between(1, 1000).source("DAPO's max_num_gen_batches")
            .help("Dynamic sampling: most prompt batches drawn per step; the step then trains on what it kept.");

    static final Field<TrainingSpec, Integer> LOGIT_CHUNK_TOKENS = Field.integer("logitChunkTokens",
                    TrainingSpec::logitChunkTokens)
            .nullable("automatic: chunks of about 64 MiB of logits for a model whose head splits off (Hugging Face "
                    + "models); the built-in model takes one pass")
            .between(0, 1_000_000).source("\"Cut Your Losses in Large-Vocabulary Language Models\" (Wijmans et al.)")
            .help("Tokens per chunk when the update takes log-probabilities and entropies over the vocabulary: no "
                    + "[tokens x vocabulary] array outlives its chunk, the head's backward is computed per chunk. "
                    + "0 = one pass over the whole mini-batch (the plain path).");

    static final Field<TrainingSpec, Boolean> GRADIENT_CHECKPOINTING = Field.bool("gradientCheckpointing",
                    TrainingSpec::gradientCheckpointing)
            .nullable("on for a model whose layers can be recomputed (Hugging Face models); the built-in model "
                    + "records its whole forward")
            .source("TRL's gradient_checkpointing, verl's enable_gradient_checkpointing")
            .help("Keep only each decoder layer's input during the update's forward and recompute the layer in the "
                    + "backward: about one more forward's time for a fraction of the activation memory. false with "
                    + "logitChunkTokens 0 is the plain path.");

    public static final Section<TrainingSpec> SCHEMA = Section.<TrainingSpec>always("training")
            .fields(STEPS, PROMPTS_PER_STEP, GROUP_SIZE, PPO_EPOCHS, MINI_BATCHES, LEARNING_RATE, WARMUP_STEPS,
                    LR_SCHEDULE, MIN_LR_RATIO, WEIGHT_DECAY, GRAD_CLIP, EVAL_EVERY, EVAL_SIZE, CHECKPOINT_EVERY,
                    KEEP_CHECKPOINTS, MAX_GEN_BATCHES, LOGIT_CHUNK_TOKENS, GRADIENT_CHECKPOINTING)
            .factory(v -> new TrainingSpec(v.get(STEPS), v.get(PROMPTS_PER_STEP), v.get(GROUP_SIZE), v.get(PPO_EPOCHS),
                    v.get(MINI_BATCHES), v.get(LEARNING_RATE), v.get(WARMUP_STEPS), v.get(LR_SCHEDULE),
                    v.get(MIN_LR_RATIO), v.get(WEIGHT_DECAY), v.get(GRAD_CLIP), v.get(EVAL_EVERY), v.get(EVAL_SIZE),
                    v.get(CHECKPOINT_EVERY), v.get(KEEP_CHECKPOINTS), v.get(MAX_GEN_BATCHES),
                    v.get(LOGIT_CHUNK_TOKENS), v.get(GRADIENT_CHECKPOINTING)))
            .rule((t, path, errors) -> {
                if (t.warmupSteps() > t.steps()) {
                    errors.add(path + ".warmupSteps", path + ".warmupSteps = " + t.warmupSteps()
                            + ": must be at most " + path + ".steps = " + t.steps());
                }
                long batch = (long) t.promptsPerStep() * t.groupSize();
                if (t.miniBatches() > batch) {
                    errors.add(path + ".miniBatches", path + ".miniBatches = " + t.miniBatches()
                            + ": must be at most promptsPerStep * groupSize = " + batch);
                }
            })
            .help("The optimisation loop: batch, optimiser, schedule, evaluation and checkpoints.");

    /** Optimiser steps per training step. */
    public int updatesPerStep() {
        return ppoEpochs * miniBatches;
    }
}
