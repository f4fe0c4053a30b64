package dev.forkpoint.analytics.store;

import dev.forkpoint.analytics.input.StepEntropyBatch;
import dev.forkpoint.analytics.stats.StepEntropyStats;
import dev.forkpoint.analytics.stats.StepEntropySummarizer;
import dev.forkpoint.analytics.stream.EntropyBatchSink;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The usual sink of the {@link dev.forkpoint.analytics.stream.EntropyStream}: summarise each batch, then write
 * all batches the consumer drained in one transaction.
 */
public final class StoringEntropySink implements EntropyBatchSink {
    private final StepEntropySummarizer summarizer;
    private final EntropyStatsWriter writer;

    public StoringEntropySink(StepEntropySummarizer summarizer, EntropyStatsWriter writer) {
        this.summarizer = Objects.requireNonNull(summarizer, "summarizer");
        this.writer = Objects.requireNonNull(writer, "writer");
    }

    @Override
    public void accept(List<StepEntropyBatch> batches) throws Exception {
        List<StepEntropyStats> stats = new ArrayList<>(batches.size());
        for (StepEntropyBatch b : batches) {
            stats.add(summarizer.summarize(b));
        }
        writer.write(stats);
    }
}
