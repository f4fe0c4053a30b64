package dev.forkpoint.trainer.runs;

/** The requested transition is not allowed from the run's current status (e.g. resume a SUCCEEDED run). */
public class RunStateConflictException extends RuntimeException {
    public RunStateConflictException(String message) {
        super(message);
    }
}
