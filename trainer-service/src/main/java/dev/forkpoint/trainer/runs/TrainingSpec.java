package dev.forkpoint.trainer.runs;

import dev.forkpoint.rollout.optim.AdamW;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The optimisation loop of one run (architecture.md, "One training step").
 *
 * @param steps           training steps to run (default 200)
 * @param promptsPerStep  prompts drawn per step (default 16)
 * @param groupSize       responses sampled per prompt: the group of GRPO-style estimators (default 8)
 * @param ppoEpochs       passes over each rollout batch (default 1)
 * @param miniBatches     optimiser steps per epoch; at most promptsPerStep * groupSize (default 1)
 * @param learningRate    AdamW learning rate (default 1e-4)
 * @param warmupSteps     linear learning-rate warm-up steps; at most {@code steps} (default 0)
 * @param lrSchedule      after the warm-up: {@code constant}, or {@code linear} or {@code cosine} decay that reaches
 *                        {@code minLrRatio * learningRate} at the end of {@code steps} (as TRL's and verl's
 *                        {@code lr_scheduler_type}) (default constant)
 * @param minLrRatio      floor of a decaying schedule as a fraction of {@code learningRate}, in [0, 1] (default 0.0)
 * @param weightDecay     AdamW decoupled weight decay (default 0.0)
 * @param gradClip        global gradient-norm clip (default 1.0)
 * @param evalEvery       evaluate every this many steps; 0 never (default 10)
 * @param evalSize        held-out prompts per evaluation (default 64)
 * @param checkpointEvery checkpoint every this many steps (default 20)
 * @param keepCheckpoints most recent checkpoints kept, besides the best by eval accuracy (default 3)
 * @param maxGenBatches   DAPO dynamic sampling: most prompt batches drawn per step (algorithms.md
 *                        section 2) (default 4)
 */
public record TrainingSpec(Integer steps, Integer promptsPerStep, Integer groupSize, Integer ppoEpochs,
                           Integer miniBatches, Double learningRate, Integer warmupSteps, String lrSchedule,
                           Double minLrRatio, Double weightDecay, Double gradClip, Integer evalEvery,
                           Integer evalSize, Integer checkpointEvery, Integer keepCheckpoints,
                           Integer maxGenBatches) {

    /** The values {@code lrSchedule} accepts: {@link AdamW.Decay}'s, in lower case. */
    public static final List<String> LR_SCHEDULES = Arrays.stream(AdamW.Decay.values())
            .map(d -> d.name().toLowerCase(Locale.ROOT)).toList();

    public TrainingSpec {
        steps = steps == null ? 200 : steps;
        promptsPerStep = promptsPerStep == null ? 16 : promptsPerStep;
        groupSize = groupSize == null ? 8 : groupSize;
        ppoEpochs = ppoEpochs == null ? 1 : ppoEpochs;
        miniBatches = miniBatches == null ? 1 : miniBatches;
        learningRate = learningRate == null ? 1e-4 : learningRate;
        warmupSteps = warmupSteps == null ? 0 : warmupSteps;
        lrSchedule = lrSchedule == null ? "constant" : lrSchedule;
        minLrRatio = minLrRatio == null ? 0.0 : minLrRatio;
        weightDecay = weightDecay == null ? 0.0 : weightDecay;
        gradClip = gradClip == null ? 1.0 : gradClip;
        evalEvery = evalEvery == null ? 10 : evalEvery;
        evalSize = evalSize == null ? 64 : evalSize;
        checkpointEvery = checkpointEvery == null ? 20 : checkpointEvery;
        keepCheckpoints = keepCheckpoints == null ? 3 : keepCheckpoints;
        maxGenBatches = maxGenBatches == null ? 4 : maxGenBatches;
    }

    static TrainingSpec defaults() {
        return new TrainingSpec(null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null);
    }

    void validate(FieldErrors errors) {
        errors.range("training.steps", steps, 1, 1_000_000);
        errors.range("training.promptsPerStep", promptsPerStep, 1, 4096);
        errors.range("training.groupSize", groupSize, 1, 1024);
        errors.range("training.ppoEpochs", ppoEpochs, 1, 64);
        errors.range("training.miniBatches", miniBatches, 1, 4096);
        errors.range("training.learningRate", learningRate, 0.0, true, 1.0);
        errors.range("training.warmupSteps", warmupSteps, 0, steps);
        if (!LR_SCHEDULES.contains(lrSchedule)) {
            errors.add("training.lrSchedule", "training.lrSchedule = '" + lrSchedule + "': must be one of "
                    + LR_SCHEDULES);
        }
        errors.range("training.minLrRatio", minLrRatio, 0.0, false, 1.0);
        errors.range("training.weightDecay", weightDecay, 0.0, false, 1.0);
        errors.range("training.gradClip", gradClip, 0.0, true, 1.0e4);
        errors.range("training.evalEvery", evalEvery, 0, 1_000_000);
        errors.range("training.evalSize", evalSize, 1, 1_000_000);
        errors.range("training.checkpointEvery", checkpointEvery, 1, 1_000_000);
        errors.range("training.keepCheckpoints", keepCheckpoints, 1, 1000);
        errors.range("training.maxGenBatches", maxGenBatches, 1, 1000);
        long batch = (long) promptsPerStep * groupSize;
        if (promptsPerStep >= 1 && groupSize >= 1 && miniBatches > batch) { // only between valid parts
            errors.add("training.miniBatches", "training.miniBatches = " + miniBatches
                    + ": must be at most promptsPerStep * groupSize = " + batch);
        }
    }
}
