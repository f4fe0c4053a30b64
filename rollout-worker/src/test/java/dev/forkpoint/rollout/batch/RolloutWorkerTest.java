package dev.forkpoint.rollout.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.forkpoint.rollout.policy.DecoderTransformer;
import dev.forkpoint.rollout.policy.ModelConfig;
import dev.forkpoint.rollout.sampler.FinishReason;
import dev.forkpoint.rollout.sampler.FixedTemperature;
import dev.forkpoint.rollout.sampler.SamplingConfig;
import dev.forkpoint.rollout.task.Problem;
import dev.forkpoint.rollout.task.Split;
import dev.forkpoint.rollout.task.Task;
import dev.forkpoint.rollout.task.Tasks;
import dev.forkpoint.rollout.tokenizer.BuiltinTokenizer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Rollouts on countdown with a tiny random decoder: layout, grouping, verifier scores, seeds, greedy evaluation. */
class RolloutWorkerTest {

    private static final BuiltinTokenizer TOK = new BuiltinTokenizer();

    /**
     * Shards of whole prompt groups, joined in order, hold the whole rollout's problems, prompts and groups, and each
     * shard's rows draw the whole rollout's noise: with this decoder (whose logits of a row may still differ from
     * the batched ones by float rounding) the sampled tokens agree on at least 95% of the rows.
     */
    @Test
    void shardsOfWholeGroupsJoinToTheWholeRollout() {
        Task task = Tasks.create(Map.of("name", "countdown", "evalSize", 8));
        ModelConfig config = new ModelConfig(TOK.vocabSize(), 1, 2, 16, 40, 2);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu());
             DecoderTransformer policy = DecoderTransformer.initialize(config, 5, Device.cpu())) {
            RolloutWorker worker = new RolloutWorker(policy, TOK, task);
            SamplingConfig sampling = SamplingConfig.of(16, TOK.eosId(), TOK.padId(), 11);
            RolloutBatch whole = worker.rollout(10, 5, 4, sampling, new FixedTemperature(1.0), manager);
            RolloutBatch joined = worker.rolloutShard(10, 0, 2, 4, sampling, new FixedTemperature(1.0), manager)
                    .concat(worker.rolloutShard(10, 2, 3, 4, sampling, new FixedTemperature(1.0), manager));
            assertArrayEquals(whole.problemIds(), joined.problemIds());
            assertArrayEquals(whole.groups(), joined.groups());
            assertArrayEquals(whole.promptIds(), joined.promptIds());
            int same = 0;
            for (int i = 0; i < whole.size(); i++) {
                same += java.util.Arrays.equals(whole.responseIds()[i], joined.responseIds()[i]) ? 1 : 0;
            }
            assertTrue(same >= 19, same + " of 20 rows sampled alike");
        }
    }

    @Test
    void rolloutDrawsGroupsAtTheCursorAndScoresEveryResponseWithTheVerifier() {
        Task task = Tasks.create(Map.of("name", "countdown", "evalSize", 8));
        ModelConfig config = new ModelConfig(TOK.vocabSize(), 1, 2, 16, 40, 2);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu());
             DecoderTransformer policy = DecoderTransformer.initialize(config, 5, Device.cpu())) {
            RolloutWorker worker = new RolloutWorker(policy, TOK, task);
            SamplingConfig sampling = SamplingConfig.of(16, TOK.eosId(), TOK.padId(), 11);
            RolloutBatch b = worker.rollout(10, 3, 4, sampling, new FixedTemperature(1.0), manager);
            assertEquals(12, b.size());
            assertEquals(3, b.groupCount());
            for (int i = 0; i < b.size(); i++) {
                int g = i / 4;
                assertEquals(g, b.groups()[i]);
                Problem p = task.problem(Split.TRAIN, 10 + g);
                assertEquals(p.id(), b.problemIds()[i]);
                assertEquals(TOK.bosId(), b.promptIds()[i][0]);
                assertArrayEquals(TOK.encode(p.prompt()), java.util.Arrays.copyOfRange(b.promptIds()[i], 1,
                        b.promptIds()[i].length));
                assertEquals(task.verify(p, TOK.decode(b.responseIds()[i])).correct(), b.correct()[i]);
                int[] r = b.responseIds()[i];
                assertTrue(r.length >= 1 && r.length <= 16);
                assertEquals(r[r.length - 1] == TOK.eosId() ? FinishReason.STOP : FinishReason.LENGTH,
                        b.finishReasons()[i]);
                assertEquals(r.length, b.oldLogProbs()[i].length);
                for (float lp : b.oldLogProbs()[i]) {
                    assertTrue(lp <= 0 && Float.isFinite(lp));
                }
            }
            RolloutBatch again = worker.rollout(10, 3, 4, sampling, new FixedTemperature(1.0), manager);
            assertArrayEquals(b.responseIds(), again.responseIds(), "same seed, same rollouts");
            RolloutBatch other = worker.rollout(10, 3, 4, sampling.withSeed(12), new FixedTemperature(1.0), manager);
            assertTrue(!java.util.Arrays.deepEquals(b.responseIds(), other.responseIds()), "another seed differs");
        }
    }

    @Test
    void greedyEvaluationIgnoresTheSeedAndTakesTheArgmax() {
        Task task = Tasks.create(Map.of("name", "countdown", "evalSize", 6));
        ModelConfig config = new ModelConfig(TOK.vocabSize(), 1, 2, 16, 40, 2);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu());
             DecoderTransformer policy = DecoderTransformer.initialize(config, 5, Device.cpu())) {
            RolloutWorker worker = new RolloutWorker(policy, TOK, task);
            SamplingConfig a = SamplingConfig.of(8, TOK.eosId(), TOK.padId(), 1);
            RolloutWorker.Evaluation e1 = worker.evaluate(100, 4, a, false, 1.0, manager);
            RolloutWorker.Evaluation e2 = worker.evaluate(100, 4, a.withSeed(99), false, 1.0, manager);
            assertEquals(6, e1.problems(), "capped at the evaluation split's size");
            assertEquals(e1, e2);
            // Greedy: every token is the argmax, so its olp is the row maximum of log-probabilities; check one
            // rollout directly through the same sampler settings.
            RolloutBatch greedy = worker.rollout(0, 2, 2, a.withTopP(RolloutWorker.GREEDY_TOP_P),
                    new FixedTemperature(1.0), manager);
            assertArrayEquals(greedy.responseIds()[0], greedy.responseIds()[1], "greedy rows of one prompt agree");
        }
    }

    /**
     * Evaluation responses stop where the context ends instead of failing, and an evaluation whose prompt fills
     * the context is refused naming model.contextLength; the first answers are kept, with their verdicts, for logs.
     */
    @Test
    void evaluationStopsAtTheContextLengthAndKeepsExamples() {
        Task task = Tasks.create(Map.of("name", "countdown", "evalSize", 6));
        ModelConfig small = new ModelConfig(TOK.vocabSize(), 1, 2, 16, 16, 2);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu());
             DecoderTransformer policy = DecoderTransformer.initialize(small, 5, Device.cpu())) {
            RolloutWorker worker = new RolloutWorker(policy, TOK, task);
            int longest = 0;
            for (Problem p : task.problems(Split.EVAL, 0, 6)) {
                longest = Math.max(longest, TOK.encode(p.prompt()).length + 1);
            }
            assertTrue(longest + 50 > 16 && longest < 16, "the test needs prompts that leave some room: " + longest);
            SamplingConfig many = SamplingConfig.of(50, TOK.eosId(), TOK.padId(), 1);
            RolloutWorker.Evaluation e = worker.evaluate(6, 6, many, false, 1.0, manager);
            assertEquals(6, e.problems());
            assertTrue(e.meanLength() <= 16 - 1, "responses fit the context: " + e.meanLength());
            assertEquals(4, e.examples().size());
            Problem first = task.problem(Split.EVAL, 0);
            assertTrue(e.examples().get(0).startsWith(first.prompt()), e.examples().get(0));
            assertTrue(e.examples().get(0).endsWith("]"), e.examples().get(0));
        }
        ModelConfig tiny = new ModelConfig(TOK.vocabSize(), 1, 2, 16, 4, 2);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu());
             DecoderTransformer policy = DecoderTransformer.initialize(tiny, 5, Device.cpu())) {
            IllegalArgumentException err = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> new RolloutWorker(policy, TOK, task).evaluate(6, 6,
                            SamplingConfig.of(8, TOK.eosId(), TOK.padId(), 1), false, 1.0, manager));
            assertTrue(err.getMessage().startsWith("model.contextLength = 4"), err.getMessage());
        }
    }
}
