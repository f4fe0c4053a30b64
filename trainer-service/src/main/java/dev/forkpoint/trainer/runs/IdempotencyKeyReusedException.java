package dev.forkpoint.trainer.runs;

/**
 * An Idempotency-Key already used for a run whose config differs from this request's. A retry must send the same
 * body; answering with the earlier run would let the client believe its new config was queued.
 */
public class IdempotencyKeyReusedException extends RuntimeException {

    private final long existingRunId;

    public IdempotencyKeyReusedException(String key, long existingRunId) {
        super("Idempotency-Key '" + key + "' was already used for run " + existingRunId
                + " with a different config; retry with the same body, or use a new key for a new run");
        this.existingRunId = existingRunId;
    }

    public long existingRunId() {
        return existingRunId;
    }
}
