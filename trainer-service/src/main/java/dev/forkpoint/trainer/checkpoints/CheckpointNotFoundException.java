package dev.forkpoint.trainer.checkpoints;

/** The run has no retained checkpoint at this step. */
public class CheckpointNotFoundException extends RuntimeException {
    public CheckpointNotFoundException(long runId, int step) {
        super("run " + runId + " has no retained checkpoint at step " + step
                + " (GET /api/v1/runs/" + runId + "/checkpoints lists them)");
    }
}
