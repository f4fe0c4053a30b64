package dev.forkpoint.learner.cliprange;

/**
 * Per-token clip ranges: the ratio is clipped to {@code [1 - low, 1 + high]} (docs/algorithms.md sections 5, 7).
 * Flattened row-major like {@link dev.forkpoint.learner.objective.TokenGrid}; 0 on padding.
 */
public record ClipRanges(double[] low, double[] high) {
}
