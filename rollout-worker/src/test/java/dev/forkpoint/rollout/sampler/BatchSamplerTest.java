package dev.forkpoint.rollout.sampler;

import ai.djl.ndarray.NDManager;
import dev.forkpoint.rollout.entropy.NormalizedEntropy;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The generation loop on a bigram test policy, whose per-token quantities can be computed by hand. */
class BatchSamplerTest {

    private static final int V = 8;
    private static final int PAD = 0;
    private static final int EOS = 1;
    private static final int[][] PROMPTS = {{2, 3, 4}, {5}, {6, 7, 2, 3, 5}, {4, 4}};

    private NDManager manager;
    private BigramPolicy policy;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
        policy = new BigramPolicy(randomTable(V, 42L, 2.0f), 256);
    }

    @AfterEach
    void tearDown() {
        policy.close();
        manager.close();
    }

    @Test
    void recordsIdT1LogProbEntropyAndTemperatureOfEveryToken() {
        SamplingConfig config = new SamplingConfig(12, new int[0], PAD, 1.0, 3L, true);
        SampleBatch out = new BatchSampler(policy).generate(PROMPTS, config, new FixedTemperature(0.8), manager);
        assertEquals(PROMPTS.length, out.size());
        for (int i = 0; i < out.size(); i++) {
            assertEquals(FinishReason.LENGTH, out.finishReasons()[i]);
            assertEquals(12, out.tokens()[i].length);
            int prev = PROMPTS[i][PROMPTS[i].length - 1];
            for (int k = 0; k < out.tokens()[i].length; k++) {
                int id = out.tokens()[i][k];
                double[] logp = logSoftmax(policy.row(prev));
                double h = 0;
                for (double lp : logp) {
                    h -= Math.exp(lp) * lp;
                }
                assertEquals(logp[id], out.logProbs()[i][k], 1e-5, "olp row " + i + " token " + k);
                assertEquals(h, out.entropies()[i][k], 1e-5, "H_old row " + i + " token " + k);
                assertEquals(0.8f, out.temperatures()[i][k], 1e-7f);
                prev = id;
            }
        }
        assertEquals(12L * PROMPTS.length, out.generatedTokens());
    }

    /**
     * Shards of a generation, sampled apart with their first row given, are the whole generation's rows (this
     * policy's logits of a row do not depend on its batch); without the offset a shard draws other noise.
     */
    @Test
    void shardsSampledApartAreTheWholeGenerationsRows() {
        SamplingConfig config = new SamplingConfig(20, new int[] {EOS}, PAD, 0.9, 77L, true);
        BatchSampler sampler = new BatchSampler(policy);
        SampleBatch whole = sampler.generate(PROMPTS, config, new FixedTemperature(1.3), manager);
        SampleBatch first = sampler.generate(Arrays.copyOfRange(PROMPTS, 0, 1), config, new FixedTemperature(1.3),
                manager, 0);
        SampleBatch rest = sampler.generate(Arrays.copyOfRange(PROMPTS, 1, 4), config, new FixedTemperature(1.3),
                manager, 1);
        SampleBatch unshifted = sampler.generate(Arrays.copyOfRange(PROMPTS, 1, 4), config,
                new FixedTemperature(1.3), manager, 0);
        assertArrayEquals(whole.tokens()[0], first.tokens()[0]);
        assertArrayEquals(whole.logProbs()[0], first.logProbs()[0]);
        for (int i = 1; i < PROMPTS.length; i++) {
            assertArrayEquals(whole.tokens()[i], rest.tokens()[i - 1], "row " + i);
            assertArrayEquals(whole.logProbs()[i], rest.logProbs()[i - 1], "row " + i);
            assertArrayEquals(whole.entropies()[i], rest.entropies()[i - 1], "row " + i);
        }
        assertFalse(Arrays.deepEquals(Arrays.copyOfRange(whole.tokens(), 1, 4), unshifted.tokens()),
                "a shard without its first row draws the noise of other rows");
    }

    @Test
    void sameSeedSameSamplesAndCachedEqualsUncached() {
        SamplingConfig config = new SamplingConfig(20, new int[] {EOS}, PAD, 0.9, 77L, true);
        BatchSampler sampler = new BatchSampler(policy);
        SampleBatch a = sampler.generate(PROMPTS, config, new FixedTemperature(1.3), manager);
        SampleBatch b = sampler.generate(PROMPTS, config, new FixedTemperature(1.3), manager);
        SampleBatch uncached = sampler.generate(PROMPTS, config.withKvCache(false), new FixedTemperature(1.3), manager);
        SampleBatch other = sampler.generate(PROMPTS, config.withSeed(78L), new FixedTemperature(1.3), manager);
        for (int i = 0; i < PROMPTS.length; i++) {
            assertArrayEquals(a.tokens()[i], b.tokens()[i], "row " + i);
            assertArrayEquals(a.logProbs()[i], b.logProbs()[i], "row " + i);
            assertArrayEquals(a.tokens()[i], uncached.tokens()[i], "row " + i + " cached vs uncached");
        }
        assertFalse(Arrays.deepEquals(a.tokens(), other.tokens()), "another seed should give other samples");
        // same seed on another thread: the noise does not depend on the thread or the engine's generator
        SampleBatch[] fromThread = new SampleBatch[1];
        Thread t = new Thread(() -> fromThread[0] = sampler.generate(PROMPTS, config, new FixedTemperature(1.3), manager));
        t.start();
        assertTimeoutJoin(t);
        assertTrue(Arrays.deepEquals(a.tokens(), fromThread[0].tokens()), "same seed on another thread");
    }

    @Test
    void stopTokensEndRowsAndMaxNewTokensCapsTheRest() {
        // token 7 is followed by eos with near certainty; configurable stop id 6 also ends a row
        float[][] table = randomTable(V, 5L, 0.5f);
        for (float[] row : table) {
            row[EOS] = -2.5f;
            row[6] = -2.5f;
            row[7] = -1f;
        }
        table[7][EOS] = 30f;
        try (BigramPolicy p = new BigramPolicy(table, 64)) {
            int[][] prompts = new int[24][];
            for (int i = 0; i < prompts.length; i++) {
                prompts[i] = new int[] {2 + i % 5, 3};
            }
            SamplingConfig config = new SamplingConfig(9, new int[] {EOS, 6}, PAD, 1.0, 9L, true);
            try (Decoding d = new BatchSampler(p).start(prompts, config, new FixedTemperature(1.0), manager)) {
                while (!d.isFinished()) {
                    d.step();
                }
                assertTrue(d.steps() <= 9);
                SampleBatch out = d.result();
                int stops = 0;
                int lengths = 0;
                for (int i = 0; i < out.size(); i++) {
                    int[] row = out.tokens()[i];
                    assertTrue(row.length >= 1 && row.length <= 9, "row " + i + " length " + row.length);
                    for (int k = 0; k < row.length - 1; k++) {
                        assertTrue(row[k] != EOS && row[k] != 6, "row " + i + " continued after stop token");
                        if (row[k] == 7) {
                            assertEquals(EOS, row[k + 1], "row " + i + ": 7 is followed by eos");
                        }
                    }
                    int last = row[row.length - 1];
                    if (out.finishReasons()[i] == FinishReason.STOP) {
                        stops++;
                        assertTrue(last == EOS || last == 6, "row " + i + " STOP must end with a stop token");
                    } else {
                        lengths++;
                        assertEquals(9, row.length, "row " + i + " LENGTH must have maxNewTokens");
                        assertTrue(last != EOS && last != 6);
                    }
                }
                assertTrue(stops > 0 && lengths > 0, "premise: both finish reasons occur (" + stops + ", " + lengths + ")");
                // at the last forward, rows finished two or more steps earlier are masked out (pad, mask 0)
                long[] mask = p.lastKeyMask;
                int width = mask.length / prompts.length;
                int lastColumn = width - 1;
                for (int i = 0; i < out.size(); i++) {
                    boolean fedReal = out.tokens()[i].length >= d.steps() - 1;
                    assertEquals(fedReal ? 1L : 0L, mask[i * width + lastColumn], "mask of row " + i + " at last step");
                }
            }
        }
    }

    @Test
    void liveNdArraysStayFlatOver200SamplingSteps() {
        int steps = 200;
        SamplingConfig config = new SamplingConfig(steps, new int[0], PAD, 0.95, 1L, true);
        AdaptiveTemperature adaptive = AdaptiveTemperature.hapoDefaults();
        adaptive.update(new float[][] {{0.1f, 0.5f, 1.0f, 2.0f, 0.05f}});
        LiveArrays.assertFlatOverEveryStep(policy, PROMPTS, config, adaptive, manager);
    }

    @Test
    void adaptiveTemperatureIsTBaseFirstThenFollowsPreviousStepStatistics() {
        SamplingConfig config = new SamplingConfig(16, new int[0], PAD, 1.0, 21L, true);
        AdaptiveTemperature adaptive = new AdaptiveTemperature(1.0, 0.3, 0.8);
        BatchSampler sampler = new BatchSampler(policy);
        SampleBatch first = sampler.generate(PROMPTS, config, adaptive, manager);
        for (float[] row : first.temperatures()) {
            for (float t : row) {
                assertEquals(1.0f, t, 0f, "first step samples at T_base");
            }
        }
        adaptive.update(first);
        assertNotNull(adaptive.stats());
        double[] firstEntropies = Arrays.stream(first.entropies())
                .flatMapToDouble(r -> IntStream.range(0, r.length).mapToDouble(k -> r[k])).toArray();
        assertEquals(NormalizedEntropy.fit(firstEntropies, 0.8), adaptive.stats(), "update fits H_old of valid tokens");
        // A previous step that saw only the two most certain contexts (pivot = the second): the more
        // uncertain contexts of the next rollout lie above it, so its tokens fall on both sides of T_base.
        float[] contexts = new float[V];
        for (int prev = 0; prev < V; prev++) {
            double[] lp = logSoftmax(policy.row(prev));
            for (double x : lp) {
                contexts[prev] -= (float) (Math.exp(x) * x);
            }
        }
        Arrays.sort(contexts);
        adaptive.update(new float[][] {Arrays.copyOf(contexts, 2)});
        NormalizedEntropy stats = adaptive.stats();
        SampleBatch second = sampler.generate(PROMPTS, config.withSeed(22L), adaptive, manager);
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        for (int i = 0; i < second.size(); i++) {
            for (int k = 0; k < second.tokens()[i].length; k++) {
                double expected = 1.0 * (1 + 0.3 * stats.samplingHHat(second.entropies()[i][k]));
                assertEquals(expected, second.temperatures()[i][k], 2e-5, "T of row " + i + " token " + k);
                min = Math.min(min, expected);
                max = Math.max(max, expected);
            }
        }
        assertTrue(max > 1.0 && min < 1.0, "per-token temperatures on both sides of T_base: " + min + ".." + max);
    }

    @Test
    void badInputIsRejectedWithTheFieldName() {
        BatchSampler sampler = new BatchSampler(policy);
        SamplingConfig tooLong = new SamplingConfig(255, new int[0], PAD, 1.0, 1L, true);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> sampler.generate(PROMPTS, tooLong, new FixedTemperature(1), manager));
        assertTrue(e.getMessage().contains("maxNewTokens"), e.getMessage());
        SamplingConfig ok = new SamplingConfig(4, new int[0], PAD, 1.0, 1L, true);
        e = assertThrows(IllegalArgumentException.class,
                () -> sampler.generate(new int[][] {{1}, {}}, ok, new FixedTemperature(1), manager));
        assertTrue(e.getMessage().contains("prompts[1]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> sampler.generate(new int[][] {{1, V}}, ok, new FixedTemperature(1), manager));
        assertTrue(e.getMessage().contains("prompts[0]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SamplingConfig(4, new int[0], PAD, 0.0, 1L, true));
        assertTrue(e.getMessage().contains("topP"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new AdaptiveTemperature(1.0, 1.5, 0.8));
        assertTrue(e.getMessage().contains("tau"), e.getMessage());
    }

    private static void assertTimeoutJoin(Thread t) {
        try {
            t.join(60_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        assertFalse(t.isAlive(), "sampling thread did not finish");
    }

    static float[][] randomTable(int v, long seed, float scale) {
        Random r = new Random(seed);
        float[][] t = new float[v][v];
        for (float[] row : t) {
            for (int j = 0; j < v; j++) {
                row[j] = (float) (r.nextGaussian() * scale);
            }
        }
        return t;
    }

    private static double[] logSoftmax(float[] z) {
        double max = Double.NEGATIVE_INFINITY;
        for (float x : z) {
            max = Math.max(max, x);
        }
        double sum = 0;
        for (float x : z) {
            sum += Math.exp(x - max);
        }
        double lse = max + Math.log(sum);
        double[] out = new double[z.length];
        for (int j = 0; j < z.length; j++) {
            out[j] = z[j] - lse;
        }
        return out;
    }
}
