package dev.forkpoint.trainer.runs;

/**
 * Supervised warm start of a fresh run (docs/warm-start.md): before RL, the built-in policy is fine-tuned on the
 * task's worked solutions for {@code steps} optimiser steps, so RL starts from a policy that solves part of the
 * task. Only a fresh run without {@code model.checkpoint} does it; a resumed run continues from its checkpoint.
 *
 * @param steps        supervised steps before RL; 0 = no warm start (default 0)
 * @param learningRate AdamW peak learning rate of the warm start, after min(100, steps / 10) warm-up steps
 *                     (default 1e-3, the measured recipe)
 * @param batchSize    worked-solution sequences per step (default 64)
 */
public record WarmStartSpec(Integer steps, Double learningRate, Integer batchSize) {

    public WarmStartSpec {
        steps = steps == null ? 0 : steps;
        learningRate = learningRate == null ? 1e-3 : learningRate;
        batchSize = batchSize == null ? 64 : batchSize;
    }

    static WarmStartSpec defaults() {
        return new WarmStartSpec(null, null, null);
    }

    /** Whether the run fine-tunes before RL. */
    public boolean enabled() {
        return steps > 0;
    }

    /** Linear learning-rate warm-up of the supervised steps. */
    public int warmupSteps() {
        return Math.min(100, steps / 10);
    }

    void validate(FieldErrors errors, ModelSpec model) {
        errors.range("model.warmStart.steps", steps, 0, 100_000);
        errors.range("model.warmStart.learningRate", learningRate, 0.0, true, 1.0);
        errors.range("model.warmStart.batchSize", batchSize, 1, 4096);
        if (steps > 0 && model.checkpoint() != null) {
            errors.add("model.warmStart.steps", "model.warmStart.steps = " + steps
                    + ": a run from model.checkpoint starts from that policy; set steps to 0 or drop model.checkpoint");
        }
    }
}
