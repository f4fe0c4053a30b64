package dev.forkpoint.rollout.warmstart;

import ai.djl.ndarray.NDManager;
import dev.forkpoint.rollout.batch.RolloutWorker;
import dev.forkpoint.rollout.policy.Policy;
import dev.forkpoint.rollout.sampler.BatchSampler;
import dev.forkpoint.rollout.sampler.FixedTemperature;
import dev.forkpoint.rollout.sampler.SamplingConfig;
import dev.forkpoint.rollout.task.Problem;
import dev.forkpoint.rollout.task.Split;
import dev.forkpoint.rollout.task.Task;
import dev.forkpoint.rollout.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.List;

/**
 * Greedy accuracy on a task's held-out split, judged by the task's own verifier: the share of evaluation
 * prompts whose argmax continuation (up to eos) is correct. Decodes with the rollout sampler in its greedy mode
 * ({@link RolloutWorker#GREEDY_TOP_P}), the decoder the RL run's evaluation uses, so a base checkpoint's accuracy
 * here and at an RL run's step 0 are the same measurement.
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
        long n = Math.min(limit, task.size(Split.EVAL));
        BatchSampler sampler = new BatchSampler(policy);
        int contextLength = policy.config().contextLength();
        int correct = 0;
        List<String> examples = new ArrayList<>();
        for (long from = 0; from < n; from += batchSize) {
            int count = (int) Math.min(batchSize, n - from);
            List<Problem> problems = task.problems(Split.EVAL, from, count);
            int[][] prompts = new int[count][];
            int longest = 0;
            for (int i = 0; i < count; i++) {
                int[] p = tokenizer.encode(problems.get(i).prompt());
                prompts[i] = new int[p.length + 1];
                prompts[i][0] = tokenizer.bosId();
                System.arraycopy(p, 0, prompts[i], 1, p.length);
                longest = Math.max(longest, prompts[i].length);
            }
            // Responses stop at the context length, as a longer one could not be scored either.
            int newTokens = Math.min(maxNewTokens, contextLength - longest);
            if (newTokens < 1) {
                throw new IllegalArgumentException("model.contextLength = " + contextLength + ": evaluation prompt "
                        + problems.get(0).id() + "... of " + longest + " tokens leaves no room for a response");
            }
            SamplingConfig greedy = SamplingConfig.of(newTokens, tokenizer.eosId(), tokenizer.padId(), 0L)
                    .withTopP(RolloutWorker.GREEDY_TOP_P);
            int[][] responses = sampler.generate(prompts, greedy, new FixedTemperature(1.0), manager).tokens();
            for (int i = 0; i < count; i++) {
                String response = tokenizer.decode(responses[i]);
                var verdict = task.verify(problems.get(i), response);
                if (verdict.correct()) {
                    correct++;
                }
                if (examples.size() < 4) {
                    examples.add(problems.get(i).prompt() + response + "  [" + verdict.reason() + "]");
                }
            }
        }
        return new Result(correct, (int) n, examples);
    }
}
