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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns task problems into scored rollouts with the current policy (docs/architecture.md, "One training step", 2):
 * draws prompts from the train split at a data cursor, encodes each as the model expects (its chat template, or BOS and
 * the text: {@link Tokenizer#encodePrompt}), samples {@code groupSize}
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

    /** Answers an evaluation keeps for the log. */
    private static final int EXAMPLES = 4;

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
        return rolloutShard(cursor, 0, prompts, groupSize, sampling, temperature, manager);
    }

    /**
     * Prompt groups {@code firstPrompt .. firstPrompt + prompts - 1} of the rollout at {@code cursor}: the train
     * problems at {@code cursor + firstPrompt, ...}, their rows sampled with the noise those rows draw in the whole
     * rollout. Groups are numbered from 0 within the shard; {@link RolloutBatch#concat} joins shards in order.
     */
    public RolloutBatch rolloutShard(long cursor, int firstPrompt, int prompts, int groupSize, SamplingConfig sampling,
                                     TemperatureRule temperature, NDManager manager) {
        return rolloutShard(cursor, firstPrompt, prompts, groupSize, sampling, temperature, manager, 0);
    }

    /**
     * As {@link #rolloutShard(long, int, int, int, SamplingConfig, TemperatureRule, NDManager)}, the prompts
     * left-padded to at least {@code promptWidth} tokens: give the whole rollout's {@link #promptWidth} and the shard's
     * rows are bit for bit the whole rollout's ({@link BatchSampler#generate(int[][], SamplingConfig, TemperatureRule,
     * NDManager, long, int)}).
     */
    public RolloutBatch rolloutShard(long cursor, int firstPrompt, int prompts, int groupSize, SamplingConfig sampling,
                                     TemperatureRule temperature, NDManager manager, int promptWidth) {
        if (prompts < 1 || groupSize < 1 || firstPrompt < 0) {
            throw new IllegalArgumentException("rollout: promptsPerStep = " + prompts + " and groupSize = " + groupSize
                    + " must both be >= 1 (first prompt " + firstPrompt + ")");
        }
        List<Problem> problems = task.problems(Split.TRAIN, cursor + firstPrompt, prompts);
        return sample(problems, encode(problems), groupSize, sampling, temperature, manager,
                (long) firstPrompt * groupSize, promptWidth);
    }

    /** The longest encoded prompt of the {@code prompts} train problems at {@code cursor}: a whole rollout's width. */
    public int promptWidth(long cursor, int prompts) {
        return Arrays.stream(encode(task.problems(Split.TRAIN, cursor, prompts))).mapToInt(p -> p.length).max()
                .orElse(0);
    }

    /**
     * Accuracy on the first {@code count} evaluation problems (all of them when there are fewer), one response
     * each, greedy unless {@code sampled}: adaptive temperature is off for evaluation (docs/algorithms.md section 4).
     * A response also stops where the model's context ends (a longer one could not be scored either).
     *
     * @param chunk most prompts generated in one batch (bounds memory)
     */
    public Evaluation evaluate(int count, int chunk, SamplingConfig sampling, boolean sampled, double temperature,
                               NDManager manager) {
        long n = Math.min(count, task.size(Split.EVAL));
        SamplingConfig config = sampled ? sampling : sampling.withTopP(GREEDY_TOP_P);
        TemperatureRule rule = new FixedTemperature(sampled ? temperature : 1.0);
        int contextLength = policy.contextLength();
        int correct = 0;
        double score = 0;
        long tokens = 0;
        List<String> examples = new ArrayList<>();
        for (long from = 0; from < n; from += chunk) {
            List<Problem> problems = task.problems(Split.EVAL, from, (int) Math.min(chunk, n - from));
            int[][] prompts = encode(problems);
            int longest = Arrays.stream(prompts).mapToInt(p -> p.length).max().orElse(0);
            int room = contextLength - longest;
            if (room < 1) {
                throw new IllegalArgumentException("model.contextLength = " + contextLength + ": evaluation prompt "
                        + problems.get(0).id() + "... of " + longest + " tokens leaves no room for a response");
            }
            SamplingConfig chunkConfig = config.withSeed(config.seed() + from)
                    .withMaxNewTokens(Math.min(config.maxNewTokens(), room));
            RolloutBatch b = sample(problems, prompts, 1, chunkConfig, rule, manager, 0, 0);
            for (int i = 0; i < b.size(); i++) {
                correct += b.correct()[i] ? 1 : 0;
                score += b.scores()[i];
                if (examples.size() < EXAMPLES) {
                    String response = tokenizer.decode(b.responseIds()[i]);
                    examples.add(problems.get(i).prompt() + response + "  ["
                            + task.verify(problems.get(i), response).reason() + "]");
                }
            }
            tokens += b.responseTokens();
        }
        return new Evaluation((int) n, correct, n == 0 ? 0 : score / n, n == 0 ? 0 : (double) tokens / n,
                List.copyOf(examples));
    }

    private int[][] encode(List<Problem> problems) {
        int[][] out = new int[problems.size()][];
        for (int g = 0; g < out.length; g++) {
            out[g] = tokenizer.encodePrompt(problems.get(g).messages());
        }
        return out;
    }

    /** @param problemPrompts the prompt ids of each problem, as {@link #encode} gives them */
    private RolloutBatch sample(List<Problem> problems, int[][] problemPrompts, int groupSize,
                                SamplingConfig sampling, TemperatureRule temperature, NDManager manager, long firstRow,
                                int promptWidth) {
        int n = problems.size() * groupSize;
        int[][] promptIds = new int[n][];
        int[] groups = new int[n];
        String[] ids = new String[n];
        for (int g = 0; g < problems.size(); g++) {
            int[] prompt = problemPrompts[g];
            for (int k = 0; k < groupSize; k++) {
                int i = g * groupSize + k;
                promptIds[i] = prompt;
                groups[i] = g;
                ids[i] = problems.get(g).id();
            }
        }
        SampleBatch s = sampler.generate(promptIds, sampling, temperature, manager, firstRow, promptWidth);
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

    /** The policy this worker samples from. */
    public Policy policy() {
        return policy;
    }

    /**
     * One evaluation.
     *
     * @param problems       evaluation problems answered
     * @param correct        of those, the ones the verifier judged correct
     * @param meanScore      mean verifier score
     * @param meanLength     mean response length in tokens
     * @param examples       the first few answers as "prompt response  [verdict reason]", for logs
     */
    public record Evaluation(int problems, int correct, double meanScore, double meanLength, List<String> examples) {

        /** Share the verifier judged correct, 0-1 (0 for no problems). */
        public double accuracy() {
            return problems == 0 ? 0 : (double) correct / problems;
        }
    }
}
