package dev.forkpoint.analytics.stats;

import java.util.List;

/**
 * Token position within its response (0-based, counting every response token, finite or not), bucketed as
 * {@code 0-7, 8-15, 16-31, 32-63, 64+}: doubling widths, because entropy changes fastest near the start.
 */
public final class PositionBucket {
    public static final List<String> LABELS = List.of("0-7", "8-15", "16-31", "32-63", "64+");

    private PositionBucket() {
    }

    private static final int[] LOWER_BOUNDS = {0, 8, 16, 32, 64};

    /** First position of bucket b. */
    public static int lowerBound(int bucket) {
        return LOWER_BOUNDS[bucket];
    }

    public static int of(int position) {
        if (position < 0) {
            throw new IllegalArgumentException("position = " + position + ": must be >= 0");
        }
        if (position < 8) {
            return 0;
        }
        if (position < 16) {
            return 1;
        }
        if (position < 32) {
            return 2;
        }
        if (position < 64) {
            return 3;
        }
        return 4;
    }
}
