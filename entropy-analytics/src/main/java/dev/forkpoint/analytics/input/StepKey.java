package dev.forkpoint.analytics.input;

import java.util.Objects;

/**
 * Identity of one stored statistics row: a run, a training step and a phase. Writes are idempotent per key.
 *
 * @param runId id of the run (runs.id; no foreign key, see V10)
 * @param step  training step, 0-based, never negative
 * @param phase rollout ({@code H_old}) or update ({@code H})
 */
public record StepKey(long runId, long step, Phase phase) {
    public StepKey {
        Objects.requireNonNull(phase, "phase");
        if (step < 0) {
            throw new IllegalArgumentException("step = " + step + ": must be >= 0");
        }
    }
}
