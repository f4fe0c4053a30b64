package dev.forkpoint.analytics.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class WindowEntropyTest {

    @Test
    void trailingWindowOfEightIsTruncatedAtTheSequenceStart() {
        float[] h = {8, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        double[] out = new double[10];
        assertEquals(10, WindowEntropy.appendWindows(h, 8, out, 0));
        // t averages over the t+1 available tokens while t < 8 (zero padding would give 1.0 at t = 0),
        // then the 8 leaves the window at t = 8
        double[] expected = {8, 4, 8.0 / 3, 2, 1.6, 8.0 / 6, 8.0 / 7, 1, 0, 0};
        assertArrayEquals(expected, out, 1e-12);
    }

    @Test
    void windowsDoNotCrossSequences() {
        double[] out = new double[10];
        int n = WindowEntropy.appendWindows(new float[] {0, 0, 0, 0, 0, 0, 0, 8}, 8, out, 0);
        n = WindowEntropy.appendWindows(new float[] {0, 0}, 8, out, n);
        assertEquals(10, n);
        assertArrayEquals(new double[] {0, 0}, Arrays.copyOfRange(out, 8, 10), 0.0);
    }

    @Test
    void nonFiniteTokensGetNoWindowAndDoNotEnterOthers() {
        double[] out = new double[4];
        int n = WindowEntropy.appendWindows(new float[] {2, Float.NaN, 4, Float.POSITIVE_INFINITY}, 8, out, 0);
        assertEquals(2, n);
        assertArrayEquals(new double[] {2, 3}, Arrays.copyOf(out, 2), 0.0);
    }
}
