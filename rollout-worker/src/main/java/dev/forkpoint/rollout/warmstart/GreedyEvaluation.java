package dev.forkpoint.rollout.warmstart;

import ai.djl.ndarray.NDManager;
import dev.forkpoint.rollout.policy.Policy;
import dev.forkpoint.rollout.task.Problem;
import dev.forkpoint.rollout.task.Split;
import dev.forkpoint.rollout.task.Task;
import dev.forkpoint.rollout.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.List;

/**
 * Greedy accuracy on a task's held-out split, judged by the task's own verifier: the share of evaluation
 * prompts whose argmax continuation (up to eos) is correct.
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
        GreedyDecoder decoder = new GreedyDecoder(policy, tokenizer.padId(), tokenizer.eosId());
        int correct = 0;
        List<String> examples = new ArrayList<>();
        for (long from = 0; from < n; from += batchSize) {
            int count = (int) Math.min(batchSize, n - from);
            List<Problem> problems = task.problems(Split.EVAL, from, count);
            int[][] prompts = new int[count][];
            for (int i = 0; i < count; i++) {
                int[] p = tokenizer.encode(problems.get(i).prompt());
                prompts[i] = new int[p.length + 1];
                prompts[i][0] = tokenizer.bosId();
                System.arraycopy(p, 0, prompts[i], 1, p.length);
            }
            int[][] responses = decoder.decode(prompts, maxNewTokens, manager);
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
