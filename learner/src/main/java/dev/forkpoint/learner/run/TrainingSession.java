package dev.forkpoint.trainer.scheduling;

import java.nio.file.Path;

/**
 * One open run inside the engine: model, optimiser, sampler and data cursor. Used by one thread, the
 * run's executor, which calls {@link #step()} until {@link #finished()}; cancel and shutdown happen
 * between steps.
 */
public interface TrainingSession extends AutoCloseable {

    /** Runs the next step (rollout, update, and evaluation when due). */
    StepResult step() throws Exception;

    /**
     * Writes a checkpoint of the current state into {@code dir} (created by the caller), atomically
     * (temp file then rename), and returns where and with which checksum.
     */
    CheckpointRef checkpoint(Path dir) throws Exception;

    /** True when the configured number of steps is done. */
    boolean finished();

    /** The device actually used, e.g. "cpu()" or "gpu(0)", for the run record and the log. */
    String device();

    @Override
    void close() throws Exception;
}
