package dev.forkpoint.learner.warmstart;

import ai.djl.ndarray.NDManager;
import dev.forkpoint.rollout.batch.RolloutWorker;
import dev.forkpoint.rollout.policy.Policy;
import dev.forkpoint.rollout.sampler.SamplingConfig;
import dev.forkpoint.rollout.task.Task;
import dev.forkpoint.rollout.tokenizer.Tokenizer;
import java.util.List;

/**
 * Greedy accuracy on a task's held-out split, judged by the task's own verifier: the share of evaluation
 * prompts whose argmax continuation (up to eos) is correct. It is {@link RolloutWorker#evaluate} in its greedy
 * mode, the evaluation an RL run uses, so a base checkpoint's accuracy here and at an RL run's step 0 are the same
 * measurement.
 */
public final class GreedyEvaluation {

    /**
     * @param correct  prompts solved
     * @param total    prompts evaluated
     * @param examples a few (prompt, response, verdict reason) lines for the log
     */
    public record Result(int correct, int total, List<String> examples) {
        public double accuracy() {
            return total == 0 ? 0.0 : (double) correct / total;
        }
    }

    private final Task task;
    private final Tokenizer tokenizer;
    private final int maxNewTokens;
    private final int batchSize;

    /**
     * @param maxNewTokens longest response generated per prompt
     * @param batchSize    prompts decoded together
     */
    public GreedyEvaluation(Task task, Tokenizer tokenizer, int maxNewTokens, int batchSize) {
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("warmStart.maxNewTokens = " + maxNewTokens + ": must be at least 1");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("warmStart.evalBatch = " + batchSize + ": must be at least 1");
        }
        this.task = task;
        this.tokenizer = tokenizer;
        this.maxNewTokens = maxNewTokens;
        this.batchSize = batchSize;
    }

    /** Evaluates the first {@code limit} EVAL problems (all when {@code limit} exceeds the split). */
    public Result evaluate(Policy policy, long limit, NDManager manager) {
        RolloutWorker.Evaluation e = new RolloutWorker(policy, tokenizer, task).evaluate(
                (int) Math.min(limit, Integer.MAX_VALUE), batchSize,
                new SamplingConfig(maxNewTokens, tokenizer.stopIds(), tokenizer.padId(), 1.0, 0L, true), false, 1.0,
                manager);
        return new Result(e.correct(), e.problems(), e.examples());
    }
}
