package dev.forkpoint.learner.run;

import java.nio.file.Path;

/**
 * One open run: model, optimiser, sampler and data cursor. {@link RunDriver} calls {@link #step()} until
 * {@link #finished()}; cancel and shutdown happen between steps. Used by one thread.
 */
public interface TrainingSession extends AutoCloseable {

    /** Runs the next step (rollout, update, and evaluation when due). */
    StepReport step() throws Exception;

    /**
     * Writes a checkpoint of the current state into {@code dir} (which exists), atomically (temp file then
     * rename), and says where and with which checksum.
     */
    CheckpointRef checkpoint(Path dir) throws Exception;

    /** Steps done, including those before a resume. */
    int completedSteps();

    /** The configured number of steps. */
    int totalSteps();

    default boolean finished() {
        return completedSteps() >= totalSteps();
    }

    /**
     * Called once when the last step is done, before the run counts as succeeded: delivers what is still pending
     * (analytics) and fails when that fails.
     */
    default void complete() throws Exception {
    }

    /** The device actually used, e.g. "cpu()" or "gpu(0)", for the run record and the log. */
    String device();

    /**
     * Receives a line whenever the session waits on something outside it (rollout workers of a cluster), and null
     * when it no longer waits; the default session never waits.
     */
    default void onStatus(java.util.function.Consumer<String> listener) {
    }

    @Override
    void close() throws Exception;
}
