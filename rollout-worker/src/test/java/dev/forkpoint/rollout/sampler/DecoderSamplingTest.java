package dev.forkpoint.rollout.sampler;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.forkpoint.rollout.policy.DecoderTransformer;
import dev.forkpoint.rollout.policy.ModelConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The sampler on the real decoder transformer: cache, left padding and memory. */
class DecoderSamplingTest {

    private static final int EOS = 1;
    private static final int PAD = 0;
    private static final ModelConfig SMALL = new ModelConfig(40, 2, 2, 32, 256, 4);
    private static final int[][] PROMPTS = {{5, 6, 7}, {2, 3, 4, 5, 6, 7, 8, 9, 10}, {11, 12, 13, 14, 15}, {20}};

    private static DecoderTransformer model;
    private static NDManager manager;

    @BeforeAll
    static void setUp() {
        model = DecoderTransformer.initialize(SMALL, 3L, Device.cpu());
        manager = NDManager.newBaseManager(Device.cpu());
    }

    @AfterAll
    static void tearDown() {
        manager.close();
        model.close();
    }

    @Test
    void cachedAndUncachedSamplingGiveTheSameTokens() {
        AdaptiveTemperature adaptive = new AdaptiveTemperature(1.0, 0.2, 0.8);
        adaptive.update(new float[][] {{2.5f, 3.0f, 3.4f, 3.6f, 3.7f}});
        SamplingConfig config = new SamplingConfig(24, new int[] {EOS}, PAD, 0.95, 5L, true);
        BatchSampler sampler = new BatchSampler(model);
        SampleBatch cached = sampler.generate(PROMPTS, config, adaptive, manager);
        SampleBatch uncached = sampler.generate(PROMPTS, config.withKvCache(false), adaptive, manager);
        for (int i = 0; i < PROMPTS.length; i++) {
            assertArrayEquals(uncached.tokens()[i], cached.tokens()[i], "row " + i);
            assertEquals(uncached.finishReasons()[i], cached.finishReasons()[i], "row " + i);
            for (int k = 0; k < cached.tokens()[i].length; k++) {
                assertEquals(uncached.logProbs()[i][k], cached.logProbs()[i][k], 1e-4, "olp row " + i + " token " + k);
                assertEquals(uncached.entropies()[i][k], cached.entropies()[i][k], 1e-4, "H row " + i + " token " + k);
                assertEquals(uncached.temperatures()[i][k], cached.temperatures()[i][k], 1e-5, "T row " + i + " token " + k);
            }
        }
    }

    @Test
    void leftPaddingDoesNotChangeARowsSamples() {
        // row 0 has its own noise stream, so alone or beside longer prompts it must sample the same tokens
        SamplingConfig config = new SamplingConfig(16, new int[0], PAD, 1.0, 8L, true);
        BatchSampler sampler = new BatchSampler(model);
        SampleBatch alone = sampler.generate(new int[][] {PROMPTS[0]}, config, new FixedTemperature(1.0), manager);
        SampleBatch padded = sampler.generate(PROMPTS, config, new FixedTemperature(1.0), manager);
        assertArrayEquals(alone.tokens()[0], padded.tokens()[0]);
        for (int k = 0; k < alone.tokens()[0].length; k++) {
            assertEquals(alone.logProbs()[0][k], padded.logProbs()[0][k], 1e-4, "olp token " + k);
            assertEquals(alone.entropies()[0][k], padded.entropies()[0][k], 1e-4, "H token " + k);
        }
    }

    @Test
    void liveNdArraysStayFlatOver200SamplingStepsWithTheKvCache() {
        int steps = 200;
        SamplingConfig config = new SamplingConfig(steps, new int[0], PAD, 1.0, 2L, true);
        AdaptiveTemperature adaptive = AdaptiveTemperature.hapoDefaults();
        adaptive.update(new float[][] {{1.0f, 2.0f, 3.0f, 3.5f}});
        LiveArrays.assertFlatOverEveryStep(model, PROMPTS, config, adaptive, manager);
    }
}
