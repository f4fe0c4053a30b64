package dev.forkpoint.trainer.checkpoints;

import java.time.Instant;

/** One row of {@code checkpoints}. */
public record CheckpointRecord(long id, long runId, int step, String path, String sha256, Long sizeBytes,
                               Double evalAccuracy, boolean best, Instant createdAt) {
}
