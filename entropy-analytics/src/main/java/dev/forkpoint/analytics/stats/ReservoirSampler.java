package dev.forkpoint.analytics.stats;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Algorithm R (Vitter): a uniform sample of at most {@code capacity} items from a stream of unknown length, with
 * a seeded generator so that the same seed and stream give the same sample. SplittableRandom, not Random: nearby
 * seeds (consecutive steps) give correlated first draws from java.util.Random, which biased the sample in a test. Item i (0-based) is kept outright
 * while i < capacity, afterwards it replaces slot {@code j = nextInt(i + 1)} when j < capacity.
 */
public final class ReservoirSampler<T> {
    private final int capacity;
    private final SplittableRandom random;
    private final List<T> slots;
    private long seen;

    public ReservoirSampler(int capacity, long seed) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity = " + capacity + ": must be >= 0");
        }
        this.capacity = capacity;
        this.random = new SplittableRandom(seed);
        this.slots = new ArrayList<>(capacity);
    }

    public void offer(T item) {
        if (seen < capacity) {
            slots.add(item);
        } else if (capacity > 0) {
            long j = seen < Integer.MAX_VALUE ? random.nextInt((int) seen + 1) : random.nextLong(seen + 1);
            if (j < capacity) {
                slots.set((int) j, item);
            }
        }
        seen++;
    }

    /** The kept items, in slot order. */
    public List<T> sample() {
        return List.copyOf(slots);
    }

    public long seen() {
        return seen;
    }
}
