package dev.forkpoint.analytics.stats;

import java.util.List;

/**
 * Fixed entropy levels (nats) for the "share of tokens above a level" statistic (docs/algorithms.md section 15). Fixed, not
 * configurable, so that shares are comparable across runs and map to fixed columns (V10: share_above_0_1 ...).
 * "Above" is strict: a token counts when {@code H > level}.
 */
public final class EntropyLevels {
    public static final List<Double> LEVELS = List.of(0.1, 0.5, 1.0, 2.0);

    private EntropyLevels() {
    }
}
