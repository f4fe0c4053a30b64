package dev.forkpoint.analytics.law;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EntropyPerformanceLawTest {
    private static final double A = 0.3;
    private static final double B = 0.9;

    /** 60 steps, entropy decaying from 1.2 to ~0.15 nats, R = -A exp(H) + B + noise. */
    private static List<LawPoint> synthetic(double noise, long seed) {
        Random random = new Random(seed);
        List<LawPoint> points = new ArrayList<>();
        for (int step = 0; step < 60; step++) {
            double h = 0.15 + 1.05 * Math.exp(-step / 20.0);
            points.add(new LawPoint(step * 10L, h, -A * Math.exp(h) + B + noise * random.nextGaussian()));
        }
        return points;
    }

    @Test
    void recoversAAndBExactlyWithoutNoise() {
        List<LawPoint> points = synthetic(0, 1);
        Collections.shuffle(points, new Random(3)); // order of the input must not matter: first n by step
        EntropyLawFit fit = EntropyPerformanceLaw.fit(points, 36);
        assertEquals(A, fit.a(), 1e-9);
        assertEquals(B, fit.b(), 1e-9);
        assertEquals(B - A, fit.ceiling(), 1e-9);
        assertEquals(0, fit.rmseFit(), 1e-9);
        assertEquals(0, fit.rmseHeldOut(), 1e-9);
        assertEquals(36, fit.fitPoints());
        assertEquals(24, fit.heldOutPoints());
        assertEquals(0, fit.firstStep());
        assertEquals(350, fit.lastFitStep());
        assertEquals(590, fit.lastStep());
    }

    @Test
    void recoversAAndBWithSmallNoise() {
        // noise sd 0.005 (half a point of accuracy); 36 points spanning exp(H) from ~1.5 to ~3.1
        EntropyLawFit fit = EntropyPerformanceLaw.fit(synthetic(0.005, 11), 36);
        assertEquals(A, fit.a(), 0.02);
        assertEquals(B, fit.b(), 0.04);
        assertTrue(fit.rmseFit() > 0.002 && fit.rmseFit() < 0.008, "rmseFit " + fit.rmseFit());
        assertTrue(fit.rmseHeldOut() < 0.015, "rmseHeldOut " + fit.rmseHeldOut());
    }

    @Test
    void handComputedTwoPointFit() {
        // x = exp(H): points (x=1, R=0.5), (x=e, R=0.5 - 0.2(e-1)): slope -0.2 -> a = 0.2, b = 0.7
        double r2 = 0.5 - 0.2 * (Math.E - 1);
        EntropyLawFit fit = EntropyPerformanceLaw.fit(List.of(new LawPoint(1, 0.0, 0.5), new LawPoint(2, 1.0, r2)), 2);
        assertEquals(0.2, fit.a(), 1e-12);
        assertEquals(0.7, fit.b(), 1e-12);
        assertNull(fit.rmseHeldOut());
        assertEquals(0, fit.heldOutPoints());
    }

    @Test
    void nLargerThanThePointsUsesThemAll() {
        EntropyLawFit fit = EntropyPerformanceLaw.fit(synthetic(0, 1), 1000);
        assertEquals(60, fit.fitPoints());
        assertNull(fit.rmseHeldOut());
    }

    @Test
    void clearErrors() {
        List<LawPoint> one = List.of(new LawPoint(0, 1.0, 0.5));
        assertEquals("points.size() = 1: the law has two parameters, need at least 2 evaluated steps",
                assertThrows(IllegalArgumentException.class, () -> EntropyPerformanceLaw.fit(one, 36)).getMessage());
        assertEquals("n = 1: the law has two parameters, fit on at least 2 points",
                assertThrows(IllegalArgumentException.class,
                        () -> EntropyPerformanceLaw.fit(synthetic(0, 1), 1)).getMessage());
        List<LawPoint> constant = List.of(new LawPoint(0, 0.7, 0.5), new LawPoint(1, 0.7, 0.6),
                new LawPoint(2, 0.3, 0.9));
        String msg = assertThrows(IllegalArgumentException.class,
                () -> EntropyPerformanceLaw.fit(constant, 2)).getMessage();
        assertTrue(msg.startsWith("entropy is constant (H = 0.7) on the first 2 points"), msg);
        assertThrows(IllegalArgumentException.class, () -> new LawPoint(0, Double.NaN, 0.5));
        assertThrows(IllegalArgumentException.class, () -> EntropyPerformanceLaw.fit(
                List.of(new LawPoint(0, 0.1, 0.5), new LawPoint(0, 0.2, 0.6)), 2));
    }
}
