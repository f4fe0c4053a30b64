package dev.forkpoint.rollout.batch;

import ai.djl.ndarray.NDManager;
import dev.forkpoint.rollout.policy.Policy;
import dev.forkpoint.rollout.sampler.BatchSampler;
import dev.forkpoint.rollout.sampler.FixedTemperature;
import dev.forkpoint.rollout.sampler.SampleBatch;
import dev.forkpoint.rollout.sampler.SamplingConfig;
import dev.forkpoint.rollout.sampler.TemperatureRule;
import dev.forkpoint.rollout.task.Problem;
import dev.forkpoint.rollout.task.Split;
import dev.forkpoint.rollout.task.Task;
import dev.forkpoint.rollout.task.Verdict;
import dev.forkpoint.rollout.tokenizer.Tokenizer;
import java.util.List;

/**
 * Turns task problems into scored rollouts with the current policy (architecture.md, "One training step", 2):
 * draws prompts from the train split at a data cursor, tokenizes {@code bos + prompt}, samples {@code groupSize}
 * responses per prompt in one batch, decodes them and scores each with the task's verifier. Also evaluates the
 * policy on the held-out split.
 *
 * <p>Stateless apart from its collaborators: the data cursor, the seed and the temperature rule come from the
 * caller, so a run that checkpoints those resumes with exactly the same rollouts.
 */
public final class RolloutWorker {

    /**
     * Nucleus mass that keeps only the most probable token, so evaluation is greedy through the same sampler.
     * Any mass below the second token's probability does; 1e-4 stays far above float32 rounding of the
     * cumulative sum (a smaller value could empty the nucleus) and far below 1/V.
     */
    public static final double GREEDY_TOP_P = 1e-4;

    private final Policy policy;
    private final Tokenizer tokenizer;
    private final Task task;
    private final BatchSampler sampler;

    public RolloutWorker(Policy policy, Tokenizer tokenizer, Task task) {
        this.policy = policy;
        this.tokenizer = tokenizer;
        this.task = task;
        this.sampler = new BatchSampler(policy);
    }

    public Task task() {
        return task;
    }

    /**
     * Samples {@code groupSize} responses for each of the {@code prompts} train problems at
     * {@code cursor, cursor + 1, ...}.
     *
     * @param sampling    max new tokens, stop ids, top-p and the seed of this batch
     * @param temperature the per-token temperature (an {@code AdaptiveTemperature} for HAPO); not updated here,
     *                    the caller fits it once per training step on all of the step's rollouts
     * @param manager     the generation's arrays live in a sub-manager of it, closed before returning
     */
    public RolloutBatch rollout(long cursor, int prompts, int groupSize, SamplingConfig sampling,
                                TemperatureRule temperature, NDManager manager) {
        if (prompts < 1 || groupSize < 1) {
            throw new IllegalArgumentException("rollout: promptsPerStep = " + prompts + " and groupSize = " + groupSize
                    + " must both be >= 1");
        }
        List<Problem> problems = task.problems(Split.TRAIN, cursor, prompts);
        return sample(problems, groupSize, sampling, temperature, manager);
    }

    /**
     * Accuracy on the first {@code count} evaluation problems (all of them when there are fewer), one response
     * each, greedy unless {@code sampled}: adaptive temperature is off for evaluation (algorithms.md section 4).
     *
     * @param chunk most prompts generated in one batch (bounds memory)
     */
    public Evaluation evaluate(int count, int chunk, SamplingConfig sampling, boolean sampled, double temperature,
                               NDManager manager) {
        long n = Math.min(count, task.size(Split.EVAL));
        SamplingConfig config = sampled ? sampling : sampling.withTopP(GREEDY_TOP_P);
        TemperatureRule rule = new FixedTemperature(sampled ? temperature : 1.0);
        int correct = 0;
        double score = 0;
        long tokens = 0;
        for (long from = 0; from < n; from += chunk) {
            int size = (int) Math.min(chunk, n - from);
            RolloutBatch b = sample(task.problems(Split.EVAL, from, size), 1,
                    config.withSeed(config.seed() + from), rule, manager);
            for (int i = 0; i < b.size(); i++) {
                correct += b.correct()[i] ? 1 : 0;
                score += b.scores()[i];
            }
            tokens += b.responseTokens();
        }
        return new Evaluation((int) n, n == 0 ? 0 : (double) correct / n, n == 0 ? 0 : score / n,
                n == 0 ? 0 : (double) tokens / n);
    }

    private RolloutBatch sample(List<Problem> problems, int groupSize, SamplingConfig sampling,
                                TemperatureRule temperature, NDManager manager) {
        int n = problems.size() * groupSize;
        int[][] promptIds = new int[n][];
        int[] groups = new int[n];
        String[] ids = new String[n];
        for (int g = 0; g < problems.size(); g++) {
            int[] prompt = withBos(tokenizer.encode(problems.get(g).prompt()));
            for (int k = 0; k < groupSize; k++) {
                int i = g * groupSize + k;
                promptIds[i] = prompt;
                groups[i] = g;
                ids[i] = problems.get(g).id();
            }
        }
        SampleBatch s = sampler.generate(promptIds, sampling, temperature, manager);
        double[] scores = new double[n];
        boolean[] correct = new boolean[n];
        for (int i = 0; i < n; i++) {
            Verdict v = task.verify(problems.get(groups[i]), tokenizer.decode(s.tokens()[i]));
            scores[i] = v.score();
            correct[i] = v.correct();
        }
        return new RolloutBatch(promptIds, s.tokens(), s.logProbs(), s.entropies(), s.temperatures(), groups, ids,
                scores, correct, s.finishReasons());
    }

    private int[] withBos(int[] ids) {
        int[] out = new int[ids.length + 1];
        out[0] = tokenizer.bosId();
        System.arraycopy(ids, 0, out, 1, ids.length);
        return out;
    }

    /** The policy this worker samples from. */
    public Policy policy() {
        return policy;
    }

    /**
     * One evaluation.
     *
     * @param problems       evaluation problems answered
     * @param accuracy       share the verifier judged correct, 0-1
     * @param meanScore      mean verifier score
     * @param meanLength     mean response length in tokens
     */
    public record Evaluation(int problems, double accuracy, double meanScore, double meanLength) {}
}
