package dev.forkpoint.rollout.seed;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SeedMixerTest {

    @Test
    void onePartIsSplitMix64sFirstOutput() {
        // SplittableRandom(s).nextLong() is mix64(s + golden gamma): the same finaliser and increment.
        for (long s : new long[] {0, 1, 42, -7, Long.MAX_VALUE}) {
            assertEquals(new SplittableRandom(s).nextLong(), SeedMixer.mix(s, 0), "seed " + s);
        }
    }

    @Test
    void chainsThePartsInOrder() {
        long seed = 1234;
        assertEquals(SeedMixer.mix(SeedMixer.mix(seed, 3), 5), SeedMixer.mix(seed, 3, 5));
        Set<Long> seen = new HashSet<>();
        for (int a = 0; a < 50; a++) {
            for (int b = 0; b < 50; b++) {
                seen.add(SeedMixer.mix(seed, 9, a, b));
            }
        }
        assertEquals(2500, seen.size(), "neighbouring coordinates must give distinct seeds");
    }
}
