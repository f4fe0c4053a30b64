package dev.forkpoint.trainer.runs;

/** No run with this id. */
public class RunNotFoundException extends RuntimeException {
    public RunNotFoundException(long id) {
        super("run " + id + " does not exist");
    }
}
