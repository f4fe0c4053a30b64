package dev.forkpoint.analytics.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class EntropyHistogramTest {

    @Test
    void edgesAreFourPerDecadeFrom1eMinus4To100() {
        assertEquals(1e-4, EntropyHistogram.edge(0), 1e-18);
        assertEquals(1e-3, EntropyHistogram.edge(4), 1e-16);
        assertEquals(1.0, EntropyHistogram.edge(16), 1e-15);
        assertEquals(Math.pow(10, 0.25), EntropyHistogram.edge(17), 1e-15);
        assertEquals(100.0, EntropyHistogram.edge(24), 1e-12);
    }

    @Test
    void valueOnAnEdgeOpensThatBinAndJustBelowBelongsToThePrevious() {
        for (int k = 0; k < EntropyHistogram.BIN_COUNT; k++) {
            double e = EntropyHistogram.edge(k);
            assertEquals(k, EntropyHistogram.binOf(e), "edge " + k);
            assertEquals(k - 1, EntropyHistogram.binOf(Math.nextDown(e)), "below edge " + k);
        }
        assertEquals(EntropyHistogram.BIN_COUNT, EntropyHistogram.binOf(EntropyHistogram.edge(24)));
        assertEquals(EntropyHistogram.BIN_COUNT - 1, EntropyHistogram.binOf(Math.nextDown(EntropyHistogram.edge(24))));
    }

    @Test
    void handPickedValues() {
        assertEquals(-1, EntropyHistogram.binOf(0.0)); // deterministic token: underflow
        assertEquals(-1, EntropyHistogram.binOf(9.99e-5));
        assertEquals(11, EntropyHistogram.binOf(0.0625)); // [10^-1.25 = 0.0562, 0.1)
        assertEquals(14, EntropyHistogram.binOf(0.5)); // [0.316, 0.562)
        assertEquals(15, EntropyHistogram.binOf(0.75)); // [0.562, 1)
        assertEquals(16, EntropyHistogram.binOf(1.5)); // [1, 1.778)
        assertEquals(18, EntropyHistogram.binOf(4.0)); // [3.162, 5.623)
        assertEquals(20, EntropyHistogram.binOf(Math.log(32000))); // uniform over 32k tokens: 10.37 in [10, 17.8)
    }

    @Test
    void rejectsNonFinite() {
        assertThrows(IllegalArgumentException.class, () -> EntropyHistogram.binOf(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> EntropyHistogram.binOf(Double.POSITIVE_INFINITY));
    }
}
