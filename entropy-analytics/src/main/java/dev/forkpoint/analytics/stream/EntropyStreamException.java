package dev.forkpoint.analytics.stream;

/**
 * The stream's sink failed: the cause is the sink's exception, and the message says how many batches were not
 * processed, so a failure never passes for a silent drop.
 */
public final class EntropyStreamException extends RuntimeException {
    private final long unprocessedBatches;

    EntropyStreamException(String message, Throwable cause, long unprocessedBatches) {
        super(message, cause);
        this.unprocessedBatches = unprocessedBatches;
    }

    /** Batches submitted but never delivered successfully to the sink (the failed call's batches included). */
    public long unprocessedBatches() {
        return unprocessedBatches;
    }
}
