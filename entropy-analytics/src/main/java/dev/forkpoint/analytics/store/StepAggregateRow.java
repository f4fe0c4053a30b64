package dev.forkpoint.analytics.store;

import dev.forkpoint.analytics.input.StepKey;
import dev.forkpoint.analytics.stats.EntropyAggregates;
import java.time.Instant;

/**
 * A stored aggregate row.
 *
 * @param key        run, step, phase
 * @param recordedAt when the row was (last) written
 * @param aggregates the statistics as written
 */
public record StepAggregateRow(StepKey key, Instant recordedAt, EntropyAggregates aggregates) {
}
