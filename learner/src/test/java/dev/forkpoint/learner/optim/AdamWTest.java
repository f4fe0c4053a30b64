package dev.forkpoint.learner.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdamWTest {

    static final float[] W0 = {0.5f, -1.0f, 2.0f, 0.25f};
    static final float[] B0 = {0.1f, -0.2f};
    static final float[] GW = {0.3f, -0.6f, 0.0f, 1.5f};
    static final float[] GB = {-0.4f, 0.05f};

    /** Sets the gradients of w and b to exactly GW and GB: d/dp sum(p * c) = c. */
    static void backward(NDManager m, NDArray w, NDArray b) {
        try (NDManager step = m.newSubManager();
             GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
            NDArray loss = w.mul(step.create(GW, new Shape(2, 2))).sum().add(b.mul(step.create(GB)).sum());
            gc.backward(loss);
        }
    }

    static Map<String, NDArray> params(NDManager m) {
        NDArray w = m.create(W0.clone(), new Shape(2, 2));
        NDArray b = m.create(B0.clone());
        w.setRequiresGradient(true);
        b.setRequiresGradient(true);
        Map<String, NDArray> p = new LinkedHashMap<>();
        p.put("w", w);
        p.put("b", b);
        return p;
    }

    /** Hand-computed torch.optim.AdamW for one parameter over two steps with constant gradient. */
    static double[] expected(float[] p0, float[] g, boolean decay, double[] lrs, AdamW.Config c) {
        double[] p = new double[p0.length];
        for (int i = 0; i < p.length; i++) {
            double x = p0[i];
            double m = 0;
            double v = 0;
            for (int t = 1; t <= lrs.length; t++) {
                double lr = lrs[t - 1];
                if (decay) {
                    x *= 1 - lr * c.weightDecay();
                }
                m = c.beta1() * m + (1 - c.beta1()) * g[i];
                v = c.beta2() * v + (1 - c.beta2()) * g[i] * g[i];
                double mHat = m / (1 - Math.pow(c.beta1(), t));
                double vHat = v / (1 - Math.pow(c.beta2(), t));
                x -= lr * mHat / (Math.sqrt(vHat) + c.eps());
            }
            p[i] = x;
        }
        return p;
    }

    static void assertValues(double[] expected, NDArray actual, String what) {
        float[] a = actual.toFloatArray();
        for (int i = 0; i < a.length; i++) {
            assertEquals(expected[i], a[i], 1e-6, what + "[" + i + "]");
        }
    }

    @Test
    void twoStepsMatchHandComputedAdamWWithWarmupAndDecoupledDecay() {
        AdamW.Config c = new AdamW.Config(0.1, 0.9, 0.99, 1e-8, 0.1, 2);
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> p = params(m);
            try (AdamW opt = new AdamW(c, p)) {
                backward(m, p.get("w"), p.get("b"));
                try (NDArray g = p.get("w").getGradient()) {
                    assertArrayEquals(GW, g.toFloatArray(), "the test's gradient");
                }
                assertEquals(0.05, opt.step(p), 1e-12, "warm-up step 1 of 2 uses lr/2");
                AdamW.zeroGradients(p);
                assertValues(expected(W0, GW, true, new double[] {0.05}, c), p.get("w"), "w after 1");
                assertValues(expected(B0, GB, false, new double[] {0.05}, c), p.get("b"), "b after 1 (no decay)");
                backward(m, p.get("w"), p.get("b"));
                try (NDArray g = p.get("w").getGradient()) {
                    assertArrayEquals(GW, g.toFloatArray(), "zeroGradients cleared the first backward's gradient");
                }
                assertEquals(0.1, opt.step(p), 1e-12);
                assertValues(expected(W0, GW, true, new double[] {0.05, 0.1}, c), p.get("w"), "w after 2");
                assertValues(expected(B0, GB, false, new double[] {0.05, 0.1}, c), p.get("b"), "b after 2");
                assertEquals(0.1, opt.learningRate(50), 1e-12, "constant after warm-up");
            }
        }
    }

    @Test
    void linearAndCosineDecayFollowTheWarmUpDownToTheFloor() {
        // warm-up 2, decay over optimiser steps 3..10 (span 8), floor 10% of 0.1
        AdamW.Config lin = new AdamW.Config(0.1, 0.9, 0.999, 1e-8, 0, 2, AdamW.Decay.LINEAR, 10, 0.1);
        AdamW.Config cos = new AdamW.Config(0.1, 0.9, 0.999, 1e-8, 0, 2, AdamW.Decay.COSINE, 10, 0.1);
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> p = params(m);
            try (AdamW l = new AdamW(lin, p); AdamW c = new AdamW(cos, p)) {
                for (AdamW o : List.of(l, c)) {
                    assertEquals(0.05, o.learningRate(1), 1e-12, "warm-up 1/2");
                    assertEquals(0.1, o.learningRate(2), 1e-12, "end of warm-up");
                    assertEquals(0.1, o.learningRate(3), 1e-12, "first decay step uses the peak");
                    assertEquals(0.01, o.learningRate(11), 1e-12, "floor at decaySteps + 1");
                    assertEquals(0.01, o.learningRate(500), 1e-12, "stays at the floor");
                }
                // t = 7: progress (7 - 1 - 2) / 8 = 0.5
                assertEquals(0.01 + 0.09 * 0.5, l.learningRate(7), 1e-12);
                assertEquals(0.01 + 0.09 * 0.5, c.learningRate(7), 1e-12);
                // t = 5: progress 0.25
                assertEquals(0.01 + 0.09 * 0.75, l.learningRate(5), 1e-12);
                assertEquals(0.01 + 0.09 * (1 + Math.cos(Math.PI * 0.25)) / 2, c.learningRate(5), 1e-12);
                // the last step of a 10-step run still moves the parameters
                assertTrue(l.learningRate(10) > 0.01 && c.learningRate(10) > 0.01);
            }
        }
        assertEquals("optim.decaySteps = 1.0: must be >= warmupSteps = 2", assertThrows(IllegalArgumentException.class,
                () -> new AdamW.Config(0.1, 0.9, 0.999, 1e-8, 0, 2, AdamW.Decay.COSINE, 1, 0)).getMessage());
        assertEquals("optim.minLrRatio = 1.5: must be in [0, 1]", assertThrows(IllegalArgumentException.class,
                () -> new AdamW.Config(0.1, 0.9, 0.999, 1e-8, 0, 0, AdamW.Decay.LINEAR, 5, 1.5)).getMessage());
    }

    @Test
    void stateRoundTripContinuesIdentically() {
        AdamW.Config c = new AdamW.Config(0.01, 0.9, 0.999, 1e-8, 0.01, 0);
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> p = params(m);
            Map<String, NDArray> q = params(m);
            try (AdamW a = new AdamW(c, p); AdamW b = new AdamW(c, q)) {
                backward(m, p.get("w"), p.get("b"));
                a.step(p);
                q.get("w").set(p.get("w").toFloatArray());
                q.get("b").set(p.get("b").toFloatArray());
                Map<String, NDArray> state = a.state(m);
                assertEquals(java.util.List.of("step", "m.w", "v.w", "m.b", "v.b"), java.util.List.copyOf(state.keySet()));
                b.loadState(state);
                assertEquals(1, b.stepCount());
                AdamW.zeroGradients(p);
                backward(m, p.get("w"), p.get("b"));
                a.step(p);
                backward(m, q.get("w"), q.get("b"));
                b.step(q);
                assertArrayEquals(p.get("w").toFloatArray(), q.get("w").toFloatArray());
                state.remove("v.b");
                state.put("v.x", m.zeros(new Shape(2)));
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.loadState(state));
                assertEquals("optimiser state: 'v.b' is missing", e.getMessage());
            }
        }
    }

    @Test
    void stepDoesNotLeakArraysIntoTheParameterManager() {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> p = params(m);
            try (AdamW opt = new AdamW(AdamW.Config.defaults(0.01), p)) {
                backward(m, p.get("w"), p.get("b"));
                int before = m.getManagedArrays().size();
                for (int i = 0; i < 5; i++) {
                    opt.step(p);
                    GradientClipping.clipGlobalNorm(p, 0.1);
                }
                assertEquals(before, m.getManagedArrays().size());
            }
        }
    }

    @Test
    void gradientsAccumulateAcrossCollectorsUntilZeroed() {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> p = params(m);
            backward(m, p.get("w"), p.get("b"));
            backward(m, p.get("w"), p.get("b"));
            try (NDArray g = p.get("b").getGradient()) {
                assertArrayEquals(new float[] {2 * GB[0], 2 * GB[1]}, g.toFloatArray(), 1e-7f);
                g.set(new ai.djl.ndarray.index.NDIndex("0"), Float.NaN);
            }
            AdamW.zeroGradients(p);
            try (NDArray gw = p.get("w").getGradient(); NDArray gb = p.get("b").getGradient()) {
                assertArrayEquals(new float[4], gw.toFloatArray());
                assertArrayEquals(new float[2], gb.toFloatArray(), "NaN cleared too");
            }
        }
    }

    @Test
    void invalidConfigIsNamed() {
        assertEquals("optim.beta2 = 1.0: must be in [0, 1)", assertThrows(IllegalArgumentException.class,
                () -> new AdamW.Config(0.1, 0.9, 1.0, 1e-8, 0, 0)).getMessage());
        assertEquals("optim.learningRate = 0.0: must be > 0", assertThrows(IllegalArgumentException.class,
                () -> new AdamW.Config(0, 0.9, 0.9, 1e-8, 0, 0)).getMessage());
    }

    /**
     * A parameter larger than one block of rows (5,000 x 1,000 values; blocks of 4,194 rows) is updated block by block:
     * every value, the last partial block's included, matches the hand-computed AdamW, and the global norm of its
     * gradient is the whole tensor's.
     */
    @Test
    void largeParametersUpdateBlockByBlockToTheSameValues() {
        int rows = 5000;
        int cols = 1000;
        float[] p0 = new float[rows * cols];
        float[] g = new float[rows * cols];
        double sumSquares = 0;
        java.util.SplittableRandom r = new java.util.SplittableRandom(5);
        for (int i = 0; i < p0.length; i++) {
            p0[i] = (float) r.nextGaussian();
            g[i] = (float) r.nextGaussian() * 1e-2f;
            sumSquares += (double) g[i] * g[i];
        }
        AdamW.Config c = new AdamW.Config(1e-2, 0.9, 0.999, 1e-8, 0.1, 0);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = m.create(p0.clone(), new Shape(rows, cols));
            assertEquals(2, RowBlocks.of(w).size());
            w.setRequiresGradient(true);
            Map<String, NDArray> params = Map.of("w", w);
            try (AdamW adamW = new AdamW(c, params)) {
                for (int t = 0; t < 2; t++) {
                    AdamW.zeroGradients(params);
                    try (NDManager step = m.newSubManager();
                         GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                        gc.backward(w.mul(step.create(g, new Shape(rows, cols))).sum());
                    }
                    if (t == 0) {
                        assertEquals(Math.sqrt(sumSquares), GradientClipping.clipGlobalNorm(params, 1e9),
                                1e-5 * Math.sqrt(sumSquares));
                    }
                    adamW.step(params);
                }
            }
            double[] want = expected(p0, g, true, new double[] {1e-2, 1e-2}, c);
            float[] got = w.toFloatArray();
            for (int i = 0; i < got.length; i++) {
                // float32 arithmetic against double: a few ulps of values up to ~5.
                assertEquals(want[i], got[i], 2e-6 * Math.max(1, Math.abs(want[i])), "w[" + i + "]");
            }
        }
    }
}
