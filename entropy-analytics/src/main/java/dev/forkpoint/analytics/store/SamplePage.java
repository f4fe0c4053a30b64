package dev.forkpoint.analytics.store;

import java.util.List;

/**
 * One page of sampled sequences.
 *
 * @param total  rows matching the filter (all pages)
 * @param offset rows skipped before this page
 * @param items  this page, ordered by step, phase, sample index
 */
public record SamplePage(long total, int offset, List<SampledSequenceRow> items) {
    public SamplePage {
        items = List.copyOf(items);
    }
}
