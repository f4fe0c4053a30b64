package dev.forkpoint.learner.run;

import java.nio.file.Path;

/**
 * A checkpoint written by a {@link TrainingSession}: policy, optimiser state, RNG state and data cursor after
 * {@code step} completed steps, at {@code path}, with the SHA-256 of its content so a resume can verify it.
 *
 * @param step         completed steps the checkpoint holds
 * @param path         where it lies
 * @param sha256       hex SHA-256 of its content (64 characters)
 * @param sizeBytes    its size on disk
 * @param evalAccuracy the latest evaluation accuracy at or before {@code step}; null if none yet
 */
public record CheckpointRef(int step, Path path, String sha256, long sizeBytes, Double evalAccuracy) {
}
