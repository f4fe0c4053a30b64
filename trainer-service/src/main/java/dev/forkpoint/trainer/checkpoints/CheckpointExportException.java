package dev.forkpoint.trainer.checkpoints;

/** A checkpoint that exists but cannot become a Hugging Face directory (e.g. it holds the built-in model). */
public class CheckpointExportException extends RuntimeException {
    public CheckpointExportException(String message, Throwable cause) {
        super(message, cause);
    }
}
