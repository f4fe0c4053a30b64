package dev.forkpoint.analytics.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PercentileTest {
    private static final double EPS = 1e-12;

    @Test
    void interpolatesLinearlyBetweenClosestRanks() {
        double[] x = {1, 2, 3, 4, 5};
        // h = (n-1) q = 4 q
        assertEquals(1.0, Percentile.of(x, 5, 0.0), EPS);
        assertEquals(1.4, Percentile.of(x, 5, 0.10), EPS); // h = 0.4
        assertEquals(3.0, Percentile.of(x, 5, 0.50), EPS); // h = 2
        assertEquals(4.2, Percentile.of(x, 5, 0.80), EPS); // h = 3.2
        assertEquals(4.96, Percentile.of(x, 5, 0.99), EPS); // h = 3.96
        assertEquals(5.0, Percentile.of(x, 5, 1.0), EPS);
    }

    @Test
    void usesOnlyTheFirstNValues() {
        double[] x = {0, 10, 999};
        assertEquals(9.5, Percentile.of(x, 2, 0.95), EPS);
    }

    @Test
    void singleValueIsEveryPercentile() {
        double[] x = {0.7};
        for (double q : new double[] {0, 0.1, 0.8, 0.99, 1}) {
            assertEquals(0.7, Percentile.of(x, 1, q), 0.0);
        }
    }

    @Test
    void rejectsNoValuesAndBadQuantiles() {
        assertThrows(IllegalArgumentException.class, () -> Percentile.of(new double[0], 0, 0.5));
        assertThrows(IllegalArgumentException.class, () -> Percentile.of(new double[] {1}, 1, 1.5));
        assertThrows(IllegalArgumentException.class, () -> Percentile.of(new double[] {1}, 1, Double.NaN));
    }
}
