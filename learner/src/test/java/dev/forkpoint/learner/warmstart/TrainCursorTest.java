package dev.forkpoint.learner.warmstart;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TrainCursorTest {

    @Test
    void aPoolIsWalkedInEpochsOfSeededPermutations() {
        TrainCursor c = new TrainCursor(3, 8, 0);
        long[] e1 = c.next(8);
        long[] e2 = c.next(8);
        long[] sorted = e1.clone();
        Arrays.sort(sorted);
        assertArrayEquals(new long[] {0, 1, 2, 3, 4, 5, 6, 7}, sorted, "an epoch covers the pool once");
        long[] sorted2 = e2.clone();
        Arrays.sort(sorted2);
        assertArrayEquals(sorted, sorted2);
        assertFalse(Arrays.equals(e1, e2), "each epoch is a fresh shuffle");
        assertArrayEquals(e1, new TrainCursor(3, 8, 0).next(8), "same seed, same order");
        assertFalse(Arrays.equals(e1, new TrainCursor(4, 8, 0).next(8)), "another seed, another order");
    }

    @Test
    void aCursorResumedFromItsPositionContinuesIdentically() {
        TrainCursor a = new TrainCursor(9, 0, 0);
        a.next(37);
        long[] continued = a.next(20);
        assertArrayEquals(continued, new TrainCursor(9, 0, 37).next(20));
        TrainCursor p = new TrainCursor(9, 5, 0);
        p.next(7);
        assertArrayEquals(p.next(9), new TrainCursor(9, 5, 7).next(9));
        assertEquals(16, p.position());
    }

    @Test
    void anUnlimitedStreamGivesDistinctNonNegativeSeededIndices() {
        long[] a = new TrainCursor(1, 0, 0).next(10_000);
        Set<Long> seen = new HashSet<>();
        for (long i : a) {
            assertTrue(i >= 0, "index " + i);
            seen.add(i);
        }
        assertEquals(a.length, seen.size());
        assertFalse(Arrays.equals(a, new TrainCursor(2, 0, 0).next(10_000)));
    }

    @Test
    void rejectsNegativePoolAndPosition() {
        assertEquals("warmStart.trainPool = -1: must be >= 0 (0 = unlimited)",
                assertThrows(IllegalArgumentException.class, () -> new TrainCursor(0, -1, 0)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new TrainCursor(0, 0, -5));
    }
}
