package dev.forkpoint.analytics.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReservoirSamplerTest {

    @Test
    void keepsEverythingInOrderUpToCapacity() {
        ReservoirSampler<Integer> r = new ReservoirSampler<>(5, 1);
        for (int i = 0; i < 3; i++) {
            r.offer(i);
        }
        assertEquals(List.of(0, 1, 2), r.sample());
        assertEquals(3, r.seen());
    }

    @Test
    void sameSeedSameSample() {
        assertEquals(draw(3, 10, 42), draw(3, 10, 42));
    }

    @Test
    void everyItemIsKeptWithProbabilityCapacityOverN() {
        // Algorithm R keeps each of n items with probability k/n = 0.3; 20000 seeded draws give a standard error
        // of sqrt(0.3*0.7/20000) = 0.0032 per item, so 0.015 is a ~4.6 sigma band. A biased replacement rule
        // (e.g. nextInt(i) instead of nextInt(i+1), or always replacing) falls outside it for some item.
        int n = 10;
        int k = 3;
        int trials = 20000;
        int[] kept = new int[n];
        for (int seed = 0; seed < trials; seed++) {
            for (int item : draw(k, n, seed)) {
                kept[item]++;
            }
        }
        for (int i = 0; i < n; i++) {
            double p = (double) kept[i] / trials;
            assertTrue(Math.abs(p - 0.3) < 0.015, "item " + i + " kept with frequency " + p);
        }
    }

    @Test
    void zeroCapacityKeepsNothing() {
        assertEquals(List.of(), draw(0, 5, 1));
    }

    private static List<Integer> draw(int k, int n, long seed) {
        ReservoirSampler<Integer> r = new ReservoirSampler<>(k, seed);
        for (int i = 0; i < n; i++) {
            r.offer(i);
        }
        return r.sample();
    }
}
