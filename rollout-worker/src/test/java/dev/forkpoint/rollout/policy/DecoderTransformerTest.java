package dev.forkpoint.rollout.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DecoderTransformerTest {

    static final ModelConfig SMALL = new ModelConfig(23, 2, 2, 16, 32, 4);
    static DecoderTransformer model;
    static NDManager base;

    @BeforeAll
    static void setUp() {
        model = DecoderTransformer.initialize(SMALL, 42, Device.cpu());
        base = NDManager.newBaseManager(Device.cpu());
    }

    @AfterAll
    static void tearDown() {
        base.close();
        model.close();
    }

    static NDArray ids(NDManager m, long[][] rows) {
        int b = rows.length;
        int t = rows[0].length;
        long[] flat = new long[b * t];
        for (int i = 0; i < b; i++) {
            System.arraycopy(rows[i], 0, flat, i * t, t);
        }
        return m.create(flat, new Shape(b, t));
    }

    static NDArray ones(NDManager m, long b, long t) {
        return m.ones(new Shape(b, t));
    }

    @Test
    void changingALaterTokenLeavesEarlierLogitsExactlyUnchanged() {
        try (NDManager m = base.newSubManager()) {
            long[][] a = {{1, 5, 9, 4, 7, 3, 12, 8, 2, 6}, {1, 3, 3, 3, 20, 11, 10, 17, 5, 4}};
            long[][] b = {{1, 5, 9, 4, 7, 3, 15, 8, 2, 6}, {1, 3, 3, 3, 20, 11, 0, 17, 5, 4}};
            NDArray la = model.forward(ids(m, a), ones(m, 2, 10), null);
            NDArray lb = model.forward(ids(m, b), ones(m, 2, 10), null);
            NDIndex before = new NDIndex(":, :6, :");
            assertArrayEquals(la.get(before).toFloatArray(), lb.get(before).toFloatArray(),
                    "logits before the changed position 6 must be bit-identical");
            NDIndex at = new NDIndex(":, 6:, :");
            assertFalse(java.util.Arrays.equals(la.get(at).toFloatArray(), lb.get(at).toFloatArray()),
                    "the change must be visible from position 6 on (else the test proves nothing)");
        }
    }

    @Test
    void cachedDecodingOfLeftPaddedRowsEqualsFullRecompute() {
        // Prompts of length 7, 4 and 2 left-padded to 7 (pad id 0), then 6 tokens fed one at a time.
        long[][] prompt = {{1, 4, 6, 8, 10, 12, 14}, {0, 0, 0, 1, 9, 7, 5}, {0, 0, 0, 0, 0, 1, 22}};
        float[][] promptMask = {{1, 1, 1, 1, 1, 1, 1}, {0, 0, 0, 1, 1, 1, 1}, {0, 0, 0, 0, 0, 1, 1}};
        long[][] fed = {{3, 11, 2, 19, 5, 7}, {13, 13, 4, 6, 21, 1}, {8, 9, 10, 11, 12, 13}};
        int p = 7;
        int steps = 6;
        try (NDManager m = base.newSubManager(); KvCache cache = model.newCache(m, 3, p + steps)) {
            long[][] seq = new long[3][p + steps];
            float[] mask = new float[3 * (p + steps)];
            for (int r = 0; r < 3; r++) {
                for (int c = 0; c < p + steps; c++) {
                    seq[r][c] = c < p ? prompt[r][c] : fed[r][c - p];
                    mask[r * (p + steps) + c] = c < p ? promptMask[r][c] : 1f;
                }
            }
            NDArray fullMask = m.create(mask, new Shape(3, p + steps));
            NDArray full = model.forward(ids(m, seq), fullMask, null);

            NDArray prefill = model.forward(ids(m, prompt), fullMask.get(new NDIndex(":, :{}", p)), cache);
            assertClose(full.get(new NDIndex(":, :{}, :", p)), prefill, 1e-4, "prefill");
            for (int s = 0; s < steps; s++) {
                try (NDManager step = m.newSubManager()) {
                    long[][] one = {{fed[0][s]}, {fed[1][s]}, {fed[2][s]}};
                    NDArray logits = model.forward(ids(step, one), fullMask.get(new NDIndex(":, :{}", p + s + 1)), cache);
                    assertEquals(new Shape(3, 1, SMALL.vocabSize()), logits.getShape());
                    assertClose(full.get(new NDIndex(":, {}:{}, :", p + s, p + s + 1)), logits, 1e-4, "step " + s);
                }
            }
            assertEquals(p + steps, cache.length());
        }
    }

    @Test
    void leftPaddingDoesNotChangeTheLogitsOfRealTokens() {
        try (NDManager m = base.newSubManager()) {
            NDArray alone = model.forward(ids(m, new long[][] {{1, 9, 7, 5}}), ones(m, 1, 4), null);
            NDArray padded = model.forward(ids(m, new long[][] {{0, 0, 0, 1, 9, 7, 5}}),
                    m.create(new float[] {0, 0, 0, 1, 1, 1, 1}, new Shape(1, 7)), null);
            assertClose(alone, padded.get(new NDIndex(":, 3:, :")), 1e-4, "padded row");
        }
    }

    @Test
    void scoreMatchesManualLogSoftmaxGatherAndEntropy() {
        try (NDManager m = base.newSubManager()) {
            long[][] rows = {{0, 0, 1, 5, 9, 4, 7}, {1, 3, 3, 20, 11, 10, 17}};
            NDArray tokens = ids(m, rows);
            NDArray mask = m.create(new float[] {0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, new Shape(2, 7));
            Policy.TokenScores scores = model.score(tokens, mask);
            assertEquals(new Shape(2, 6), scores.logProbs().getShape());
            assertEquals(new Shape(2, 6), scores.entropy().getShape());
            float[] logits = model.forward(tokens, mask, null).toFloatArray();
            float[] lp = scores.logProbs().toFloatArray();
            float[] h = scores.entropy().toFloatArray();
            int v = SMALL.vocabSize();
            for (int r = 0; r < 2; r++) {
                for (int t = 0; t < 6; t++) {
                    int off = (r * 7 + t) * v;
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < v; j++) {
                        max = Math.max(max, logits[off + j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < v; j++) {
                        sum += Math.exp(logits[off + j] - max);
                    }
                    double lse = max + Math.log(sum);
                    double pz = 0;
                    for (int j = 0; j < v; j++) {
                        pz += Math.exp(logits[off + j] - lse) * logits[off + j];
                    }
                    int target = (int) rows[r][t + 1];
                    assertEquals(logits[off + target] - lse, lp[r * 6 + t], 1e-5, "logProb at " + r + "," + t);
                    assertEquals(lse - pz, h[r * 6 + t], 1e-5, "entropy at " + r + "," + t);
                }
            }
            assertFalse(scores.entropy().hasGradient(), "entropy must be detached");
        }
    }

    @Test
    void gradientOfScoredLogProbsReachesEveryParameter() {
        try (NDManager m = base.newSubManager();
             GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
            NDArray tokens = ids(m, new long[][] {{1, 5, 9, 4, 7, 3}, {0, 1, 3, 20, 11, 10}});
            NDArray mask = m.create(new float[] {1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1}, new Shape(2, 6));
            gc.backward(model.score(tokens, mask).logProbs().sum());
        }
        for (Map.Entry<String, NDArray> e : model.parameters().entrySet()) {
            try (NDArray g = e.getValue().getGradient(); NDArray s = g.abs().sum()) {
                assertTrue(s.getFloat() > 0, "no gradient reached " + e.getKey());
            }
        }
    }

    @Test
    void scoreGradientMatchesCentralFiniteDifferences() {
        String[][] probes = {{"wte", "5, 3"}, {"wpe", "2, 7"}, {"h.0.attn.qkv.weight", "20, 4"},
            {"h.1.attn.proj.weight", "3, 9"}, {"h.1.mlp.fc.bias", "11"}, {"h.0.ln_1.gamma", "6"}, {"ln_f.beta", "2"}};
        // Larger-than-init random parameters, so attention is far from uniform and every probe has a real gradient.
        java.util.Random rng = new java.util.Random(9);
        Map<String, float[]> values = new java.util.LinkedHashMap<>();
        DecoderTransformer.parameterShapes(SMALL).forEach((name, shape) -> {
            float[] v = new float[(int) shape.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (name.endsWith("gamma") ? 1 + 0.2 * rng.nextGaussian() : 0.3 * rng.nextGaussian());
            }
            values.put(name, v);
        });
        try (DecoderTransformer probe = DecoderTransformer.fromValues(SMALL, values, Device.cpu(), true);
             NDManager m = base.newSubManager()) {
            NDArray tokens = ids(m, new long[][] {{1, 5, 9, 4, 7, 3}, {0, 1, 3, 20, 11, 10}});
            NDArray mask = m.create(new float[] {1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1}, new Shape(2, 6));
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                gc.backward(probe.score(tokens, mask).logProbs().sum());
            }
            for (String[] pr : probes) {
                NDArray p = probe.parameters().get(pr[0]);
                NDIndex at = new NDIndex(pr[1]);
                float analytic;
                try (NDArray g = p.getGradient()) {
                    analytic = g.get(m, at).getFloat();
                }
                float original = p.get(m, at).getFloat();
                float eps = 1e-2f;
                p.set(at, original + eps);
                float plus = probe.score(tokens, mask).logProbs().sum().getFloat();
                p.set(at, original - eps);
                float minus = probe.score(tokens, mask).logProbs().sum().getFloat();
                p.set(at, original);
                double numeric = (plus - minus) / (2.0 * eps);
                assertTrue(Math.abs(numeric) > 0.05, pr[0] + ": gradient " + numeric + " too small to test anything");
                assertEquals(numeric, analytic, Math.max(0.03 * Math.abs(numeric), 2e-3),
                        "d sum(logProbs) / d " + pr[0] + "[" + pr[1] + "]");
            }
        }
    }

    @Test
    void forwardAndScoreDoNotAllocateInTheParameterManager() {
        NDManager owner = model.parameters().get("wte").getManager();
        int before = owner.getManagedArrays().size();
        try (NDManager m = base.newSubManager(); KvCache cache = model.newCache(m, 1, 8)) {
            NDArray tokens = ids(m, new long[][] {{1, 5, 9, 4}});
            model.score(tokens, ones(m, 1, 4));
            model.forward(tokens, ones(m, 1, 4), cache);
            model.forward(ids(m, new long[][] {{2}}), ones(m, 1, 5), cache);
        }
        assertEquals(before, owner.getManagedArrays().size());
    }

    @Test
    void cachedDecodeStepsKeepTheLiveArrayCountFlat() {
        try (NDManager m = base.newSubManager(); KvCache cache = model.newCache(m, 2, 30)) {
            NDArray mask = ones(m, 2, 30);
            model.forward(ids(m, new long[][] {{1, 5}, {1, 6}}), mask.get(new NDIndex(":, :2")), cache);
            int[] counts = new int[25];
            for (int s = 0; s < 25; s++) {
                try (NDManager step = m.newSubManager()) {
                    NDArray logits = model.forward(ids(step, new long[][] {{s % 20}, {(s + 3) % 20}}),
                            mask.get(step, new NDIndex(":, :{}", 3 + s)), cache);
                    logits.toFloatArray();
                }
                counts[s] = m.getManagedArrays().size();
            }
            assertEquals(counts[0], counts[24], "live arrays after step 1 vs step 25: " + java.util.Arrays.toString(counts));
        }
    }

    @Test
    void frozenCopyGivesTheSameLogitsWithoutGradient() {
        try (DecoderTransformer copy = model.frozenCopy(); NDManager m = base.newSubManager()) {
            NDArray tokens = ids(m, new long[][] {{1, 5, 9, 4, 7}});
            assertArrayEquals(model.forward(tokens, ones(m, 1, 5), null).toFloatArray(),
                    copy.forward(tokens, ones(m, 1, 5), null).toFloatArray());
            for (NDArray p : copy.parameters().values()) {
                assertFalse(p.hasGradient(), p.getName() + " of the frozen copy has a gradient");
            }
            assertTrue(model.parameters().get("wte").hasGradient());
        }
    }

    @Test
    void initialisationIsSeededGpt2Style() {
        ModelConfig c = new ModelConfig(50, 8, 2, 64, 16, 4);
        try (DecoderTransformer a = DecoderTransformer.initialize(c, 1, Device.cpu());
             DecoderTransformer b = DecoderTransformer.initialize(c, 1, Device.cpu());
             DecoderTransformer other = DecoderTransformer.initialize(c, 2, Device.cpu())) {
            assertArrayEquals(a.parameters().get("wte").toFloatArray(), b.parameters().get("wte").toFloatArray());
            assertNotEquals(a.parameters().get("wte").getFloat(0, 0), other.parameters().get("wte").getFloat(0, 0));
            assertEquals(0.02, std(a.parameters().get("h.0.mlp.fc.weight").toFloatArray()), 0.002);
            assertEquals(0.02 / Math.sqrt(16), std(a.parameters().get("h.3.attn.proj.weight").toFloatArray()), 0.0006);
            assertEquals(0.02 / Math.sqrt(16), std(a.parameters().get("h.7.mlp.proj.weight").toFloatArray()), 0.0006);
            assertEquals(1f, a.parameters().get("h.0.ln_1.gamma").getFloat(5));
            assertEquals(0f, a.parameters().get("h.0.attn.qkv.bias").getFloat(5));
        }
    }

    @Test
    void badInputsAreRejectedByName() {
        try (NDManager m = base.newSubManager()) {
            IllegalArgumentException tooLong = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> model.forward(m.zeros(new Shape(1, 33)), ones(m, 1, 33), null));
            assertEquals("sequence length 33 exceeds model.contextLength = 32", tooLong.getMessage());
            IllegalArgumentException badMask = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> model.forward(m.zeros(new Shape(1, 3)), ones(m, 1, 4), null));
            assertTrue(badMask.getMessage().startsWith("keyMask shape (1, 4)"), badMask.getMessage());
        }
    }

    static double std(float[] v) {
        double mean = 0;
        for (float x : v) {
            mean += x;
        }
        mean /= v.length;
        double s = 0;
        for (float x : v) {
            s += (x - mean) * (x - mean);
        }
        return Math.sqrt(s / v.length);
    }

    static void assertClose(NDArray expected, NDArray actual, double tol, String what) {
        assertEquals(expected.getShape(), actual.getShape(), what + " shape");
        float[] e = expected.toFloatArray();
        float[] a = actual.toFloatArray();
        double max = 0;
        for (int i = 0; i < e.length; i++) {
            max = Math.max(max, Math.abs(e[i] - a[i]));
        }
        assertTrue(max < tol, what + ": max abs diff " + max + " >= " + tol);
    }
}
