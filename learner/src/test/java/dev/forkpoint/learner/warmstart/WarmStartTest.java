package dev.forkpoint.learner.warmstart;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.forkpoint.rollout.checkpoint.PolicyCheckpoint;
import dev.forkpoint.rollout.policy.DecoderTransformer;
import dev.forkpoint.rollout.policy.ModelConfig;
import dev.forkpoint.rollout.task.countdown.CountdownConfig;
import dev.forkpoint.rollout.tokenizer.BuiltinTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class WarmStartTest {

    static final BuiltinTokenizer TOK = new BuiltinTokenizer();
    static final ModelConfig TINY = new ModelConfig(TOK.vocabSize(), 1, 2, 32, 32, 4);
    static final CountdownConfig TASK = new CountdownConfig(3, 1, 10, 1, 100, 0L, 16);

    /** A tiny recipe that overfits 8 train problems: 8 per batch, every batch the same 8. */
    static WarmStartConfig overfit(int steps) {
        return new WarmStartConfig(TASK, TINY, 7L, steps, 8, 3e-3, 10, 0.0, 1.0, 0, 16, 16, 8L, 0.0, null);
    }

    @Test
    void overfittingEightProblemsCutsTheLossAndTheCheckpointReloadsToIdenticalLogits(@TempDir Path dir) {
        Path out = dir.resolve("base.fpckpt");
        List<WarmStartProgress> lines = new ArrayList<>();
        WarmStart warmStart = new WarmStart(overfit(200), TOK);
        WarmStartResult result;
        float[] trained;
        try (DecoderTransformer policy = DecoderTransformer.initialize(TINY, 7L, Device.cpu())) {
            result = warmStart.train(policy, lines::add);
            warmStart.save(out, policy, result);
            trained = logits(policy);
        }
        double first = lines.stream().filter(p -> p.step() == 50).findFirst().orElseThrow().loss();
        // The untrained model is near uniform over 99 ids (ln 99 = 4.6 nats); memorising 8 solutions drives the
        // response loss far below the step-50 value.
        assertEquals(200, result.steps());
        String trajectory = lines.stream().map(p -> p.step() + ":" + p.loss()).toList().toString();
        assertTrue(result.finalLoss() < 0.25 * first, "loss " + first + " at step 50 -> " + result.finalLoss()
                + " " + trajectory);
        assertTrue(result.finalLoss() < 0.5, "final loss " + result.finalLoss() + " " + trajectory);
        assertEquals(List.of(0L, 200L), result.accuracyCurve().stream().map(WarmStartResult.Point::step).toList());
        assertTrue(result.tokensPerSecond() > 0);
        assertEquals(0, result.skippedSteps());

        try (PolicyCheckpoint.Loaded loaded = PolicyCheckpoint.load(out, Device.cpu())) {
            assertArrayEquals(trained, logits((DecoderTransformer) loaded.policy()), "reloaded logits must be identical");
            Map<String, String> meta = loaded.metadata();
            assertEquals("200", meta.get("warmStart.steps"));
            assertEquals(result.evalAccuracy(), Double.parseDouble(meta.get("warmStart.evalAccuracy")));
            assertEquals("16", meta.get("warmStart.evalPrompts"));
            JsonNode task = JsonMapper.builder().build().readTree(meta.get("task"));
            assertEquals("countdown", task.path("name").asString());
            assertEquals(3, task.path("numbers").asInt());
            assertEquals(100, task.path("maxTarget").asInt());
            JsonNode recipe = JsonMapper.builder().build().readTree(meta.get("warmStart.recipe"));
            assertEquals(3e-3, recipe.path("learningRate").asDouble());
            assertEquals(8, recipe.path("batchSize").asInt());
        }
    }

    @Test
    void theSameSeedGivesTheSameTraining() {
        double[] losses = new double[2];
        for (int i = 0; i < 2; i++) {
            try (DecoderTransformer policy = DecoderTransformer.initialize(TINY, 7L, Device.cpu())) {
                losses[i] = new WarmStart(overfit(20), TOK).train(policy, p -> { }).finalLoss();
            }
        }
        assertEquals(losses[0], losses[1], 1e-6);
    }

    @Test
    void aTimeBudgetStopsEarlyAndStillEvaluatesTheFinalPolicy() {
        WarmStartConfig c = overfit(1_000_000);
        WarmStartConfig budget = new WarmStartConfig(c.task(), c.model(), c.seed(), c.steps(), c.batchSize(),
                c.learningRate(), c.warmupSteps(), c.weightDecay(), c.maxGradNorm(), 0, 4, 8, 8L, 0.05, null);
        try (DecoderTransformer policy = DecoderTransformer.initialize(TINY, 7L, Device.cpu())) {
            WarmStartResult r = new WarmStart(budget, TOK).train(policy, p -> { });
            assertTrue(r.stoppedByBudget());
            assertTrue(r.steps() > 0 && r.steps() < 1_000_000, "steps " + r.steps());
            assertEquals(r.steps(), r.accuracyCurve().get(r.accuracyCurve().size() - 1).step());
        }
    }

    @Test
    void sequencesLongerThanTheContextAreRejectedByName() {
        // 16 positions hold every eval prompt (bos + at most 13 characters) but not prompt + solution + eos.
        ModelConfig small = new ModelConfig(TOK.vocabSize(), 1, 2, 32, 16, 4);
        WarmStartConfig c = new WarmStartConfig(TASK, small, 7L, 5, 4, 1e-3, 0, 0.0, 1.0, 0, 4, 4, 0L, 0.0, null);
        try (DecoderTransformer policy = DecoderTransformer.initialize(small, 7L, Device.cpu())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new WarmStart(c, TOK).train(policy, p -> { }));
            assertTrue(e.getMessage().startsWith("model.contextLength = 16: train problem train:"), e.getMessage());
        }
    }

    /** A NaN parameter makes every loss NaN: updates are skipped, never applied, and the 5th in a row stops the run. */
    @Test
    void nonFiniteStepsAreSkippedAndRepeatedOnesStopTheRun() {
        try (DecoderTransformer random = DecoderTransformer.initialize(TINY, 7L, Device.cpu())) {
            Map<String, float[]> values = random.parameterValues();
            values.get("ln_f.beta")[0] = Float.NaN;
            try (DecoderTransformer broken = DecoderTransformer.fromValues(TINY, values, Device.cpu(), true)) {
                float[] before = broken.parameters().get("wte").toFloatArray();
                List<WarmStartProgress> lines = new ArrayList<>();
                IllegalStateException e = assertThrows(IllegalStateException.class,
                        () -> new WarmStart(overfit(50), TOK).train(broken, lines::add));
                assertTrue(e.getMessage().contains("5 optimiser steps in a row had a non-finite loss"), e.getMessage());
                assertArrayEquals(before, broken.parameters().get("wte").toFloatArray(), "no update was applied");
                assertEquals(4, lines.stream().filter(p -> p.evalSamples().stream()
                        .anyMatch(x -> x.startsWith("update skipped"))).count());
            }
        }
    }

    @Test
    void invalidRecipesNameTheField() {
        assertEquals("warmStart.batchSize = 0: must be at least 1", assertThrows(IllegalArgumentException.class,
                () -> new WarmStartConfig(TASK, TINY, 1, 10, 0, 1e-3, 0, 0, 1, 0, 4, 4, 0, 0, null)).getMessage());
        assertEquals("warmStart.learningRate = -1.0: must be > 0", assertThrows(IllegalArgumentException.class,
                () -> new WarmStartConfig(TASK, TINY, 1, 10, 4, -1, 0, 0, 1, 0, 4, 4, 0, 0, null)).getMessage());
        ModelConfig narrow = new ModelConfig(50, 1, 2, 32, 32, 4);
        assertEquals("model.vocabSize = 50: the tokenizer has 99 ids", assertThrows(IllegalArgumentException.class,
                () -> new WarmStart(overfit(1).withModel(narrow), TOK)).getMessage());
    }

    static float[] logits(DecoderTransformer model) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray tokens = m.create(new long[] {1, 7, 4, 9, 4, 6, 33, 13, 14, 30}, new Shape(1, 10));
            return model.forward(tokens, m.ones(new Shape(1, 10)), null).toFloatArray();
        }
    }
}
