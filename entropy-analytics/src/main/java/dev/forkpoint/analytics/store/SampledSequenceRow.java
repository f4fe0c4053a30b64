package dev.forkpoint.analytics.store;

import dev.forkpoint.analytics.input.StepKey;
import dev.forkpoint.analytics.stats.SampledSequence;

/**
 * A stored sampled sequence.
 *
 * @param key         run, step, phase
 * @param sampleIndex slot in that step's reservoir
 * @param sequence    the sequence with its per-token entropies
 */
public record SampledSequenceRow(StepKey key, int sampleIndex, SampledSequence sequence) {
}
