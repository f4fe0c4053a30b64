package dev.forkpoint.trainer.runs;

/** Lifecycle of a run; the terminal states are SUCCEEDED, FAILED and CANCELLED. */
public enum RunStatus {
    QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED;

    public boolean terminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
