package dev.forkpoint.learner.warmstart;

import dev.forkpoint.rollout.policy.ModelConfig;
import dev.forkpoint.rollout.task.TaskConfig;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The SFT recipe of a warm start. The defaults ({@link #defaults}) are the recipe measured in
 * docs/warm-start.md.
 *
 * @param task         the task whose worked solutions are the targets and whose EVAL split is evaluated
 * @param model        the built-in policy's shape for {@link WarmStart#run}; null when {@link WarmStart#train} is given
 *                     the policy (a Hugging Face model)
 * @param seed         seeds the parameter initialisation and the train cursor
 * @param steps        optimiser steps at most (the time budget may stop earlier)
 * @param batchSize    sequences per step
 * @param learningRate AdamW peak learning rate, reached after the warm-up
 * @param warmupSteps  steps of linear learning-rate warm-up
 * @param weightDecay  AdamW decoupled weight decay (matrices and embeddings only)
 * @param maxGradNorm  global gradient-norm clip
 * @param evalEvery    greedy evaluation every this many steps (0: only at the end); always at step 0 and at the end
 * @param evalLimit    evaluation prompts (the first ones of the EVAL split; more than the split means all)
 * @param maxNewTokens longest greedy response at evaluation
 * @param trainPool    distinct train problems used, 0 = a fresh stream (a small pool overfits, for tests)
 * @param minutes      wall-clock budget for training in minutes, 0 = none; evaluation time counts too
 * @param data         a JSONL file of prompt/completion pairs ({@link PromptCompletionData}) to train on instead of
 *                     the task's worked solutions; null = the worked solutions
 */
public record WarmStartConfig(TaskConfig task, ModelConfig model, long seed, int steps, int batchSize,
                              double learningRate, int warmupSteps, double weightDecay, double maxGradNorm,
                              int evalEvery, int evalLimit, int maxNewTokens, long trainPool, double minutes,
                              Path data) {

    public WarmStartConfig {
        Objects.requireNonNull(task, "warmStart.task: required");
        require(steps >= 1, "steps", steps, "must be at least 1");
        require(batchSize >= 1, "batchSize", batchSize, "must be at least 1");
        require(learningRate > 0 && Double.isFinite(learningRate), "learningRate", learningRate, "must be > 0");
        require(warmupSteps >= 0, "warmupSteps", warmupSteps, "must be >= 0");
        require(weightDecay >= 0 && Double.isFinite(weightDecay), "weightDecay", weightDecay, "must be >= 0");
        require(maxGradNorm > 0 && Double.isFinite(maxGradNorm), "maxGradNorm", maxGradNorm, "must be > 0");
        require(evalEvery >= 0, "evalEvery", evalEvery, "must be >= 0 (0 = only at the end)");
        require(evalLimit >= 1, "evalLimit", evalLimit, "must be at least 1");
        require(maxNewTokens >= 1, "maxNewTokens", maxNewTokens, "must be at least 1");
        require(trainPool >= 0, "trainPool", trainPool, "must be >= 0 (0 = unlimited)");
        require(minutes >= 0 && Double.isFinite(minutes), "minutes", minutes, "must be >= 0 (0 = no budget)");
    }

    /**
     * The measured base recipe for {@code task} on {@code model}: batch 64, lr 1e-3 after 100 warm-up steps,
     * weight decay 0.01, clip 1.0, 3000 steps, evaluation every 250 steps on the whole EVAL split.
     */
    public static WarmStartConfig defaults(TaskConfig task, ModelConfig model) {
        return new WarmStartConfig(task, model, 1L, 3000, 64, 1e-3, 100, 0.01, 1.0, 250, Integer.MAX_VALUE, 32,
                0L, 0.0, null);
    }

    /** This recipe for another model shape. */
    public WarmStartConfig withModel(ModelConfig other) {
        return new WarmStartConfig(task, other, seed, steps, batchSize, learningRate, warmupSteps, weightDecay,
                maxGradNorm, evalEvery, evalLimit, maxNewTokens, trainPool, minutes, data);
    }

    private static void require(boolean ok, String field, Object value, String rule) {
        if (!ok) {
            throw new IllegalArgumentException("warmStart." + field + " = " + value + ": " + rule);
        }
    }
}
