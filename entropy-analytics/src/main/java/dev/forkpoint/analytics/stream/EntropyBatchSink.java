package dev.forkpoint.analytics.stream;

import dev.forkpoint.analytics.input.StepEntropyBatch;
import java.util.List;

/**
 * Where the stream's consumer thread delivers batches: usually summarise and write to Postgres. It receives
 * every batch that was queued when it was called (in submission order), so writes can be batched across steps.
 * An exception stops the stream and is surfaced to the producer ({@link EntropyStreamException}).
 */
@FunctionalInterface
public interface EntropyBatchSink {
    void accept(List<StepEntropyBatch> batches) throws Exception;
}
