package dev.forkpoint.learner.run;

import java.time.Duration;
import java.util.Optional;

/**
 * The one run loop, used by the service's scheduler and by {@code forkpoint train} alike: step until the session is
 * finished, checkpoint every {@code checkpointEvery} steps and at the end, watch the reward signal, hand every step
 * to the caller, and stop cleanly at a step boundary when the caller asks (cancel, shutdown, a step budget).
 * Where checkpoints go and which are kept is the caller's {@link CheckpointStore}; what a step means is the
 * {@link TrainingSession}'s.
 */
public final class RunDriver {

    /** How a drive ended. */
    public enum Outcome {
        /** Every configured step is done, the last checkpoint written and every statistic delivered. */
        SUCCEEDED,
        /** The caller cancelled: checkpointed at the step boundary, so a resume loses nothing. */
        CANCELLED,
        /** The caller is shutting down: left as it is, to resume from its latest checkpoint. */
        STOPPED,
        /** The step budget was reached before the configured steps: checkpointed, resumable. */
        BUDGET_REACHED
    }

    /** How the drive ended and at which step. */
    public record Result(Outcome outcome, int step) {
    }

    /** Writes a checkpoint of the session and applies the caller's retention; returns what it wrote. */
    public interface CheckpointStore {
        CheckpointRef save(TrainingSession session) throws Exception;
    }

    /** The caller's side of the loop. */
    public interface Listener {

        /** After each step, with the progress line to log or print. */
        void stepCompleted(StepReport report, String progressLine) throws Exception;

        /** After each checkpoint. */
        default void checkpointSaved(CheckpointRef checkpoint, Duration took) throws Exception {
        }

        /** A note about the run a user should read (e.g. no reward variance), also appended to that step's line. */
        default void note(int step, String note) throws Exception {
        }

        /** Checked before each step: leave the run as it is (no checkpoint) and return {@link Outcome#STOPPED}. */
        default boolean stopRequested() {
            return false;
        }

        /** Checked before each step: checkpoint and return {@link Outcome#CANCELLED}. */
        default boolean cancelRequested() {
            return false;
        }
    }

    private final TrainingSession session;
    private final int checkpointEvery;
    private final CheckpointStore checkpoints;
    private final Listener listener;
    private int stopAfter = Integer.MAX_VALUE;

    /**
     * @param checkpointEvery checkpoint every this many completed steps (and at the end)
     * @param checkpoints     where checkpoints go; null writes none
     */
    public RunDriver(TrainingSession session, int checkpointEvery, CheckpointStore checkpoints, Listener listener) {
        if (checkpointEvery < 1) {
            throw new IllegalArgumentException("checkpointEvery = " + checkpointEvery + ": must be >= 1");
        }
        this.session = session;
        this.checkpointEvery = checkpointEvery;
        this.checkpoints = checkpoints;
        this.listener = listener;
    }

    /**
     * Ends the drive once {@code step} steps are complete (a budget; the schedule still spans the configured
     * steps, so the first {@code step} steps are those of the full run).
     */
    public RunDriver stopAfter(int step) {
        this.stopAfter = step;
        return this;
    }

    public Result run() throws Exception {
        int total = session.totalSteps();
        int step = session.completedSteps();
        int startStep = step;
        int lastCheckpoint = step;
        RewardSignalWatch signal = new RewardSignalWatch();
        long loopStart = System.nanoTime();
        while (!session.finished()) {
            if (listener.stopRequested()) {
                return new Result(Outcome.STOPPED, step);
            }
            if (listener.cancelRequested()) {
                if (step > lastCheckpoint) {
                    checkpoint();
                }
                return new Result(Outcome.CANCELLED, step);
            }
            if (step >= stopAfter) {
                if (step > lastCheckpoint) {
                    checkpoint();
                }
                return new Result(Outcome.BUDGET_REACHED, step);
            }
            StepReport report = session.step();
            step = report.step();
            Duration eta = Duration.ofNanos((System.nanoTime() - loopStart) / (step - startStep)
                    * Math.max(0, total - step));
            String line = ProgressLine.format(report, total, eta);
            Optional<String> note = signal.observe(report);
            if (note.isPresent()) {
                line = line + " | note: " + note.get();
            }
            listener.stepCompleted(report, line);
            if (note.isPresent()) {
                listener.note(step, note.get());
            }
            if (checkpoints != null && step % checkpointEvery == 0) {
                checkpoint();
                lastCheckpoint = step;
            }
        }
        if (step > lastCheckpoint) {
            checkpoint();
        }
        session.complete();
        return new Result(Outcome.SUCCEEDED, step);
    }

    private void checkpoint() throws Exception {
        if (checkpoints == null) {
            return;
        }
        long t0 = System.nanoTime();
        CheckpointRef ref = checkpoints.save(session);
        listener.checkpointSaved(ref, Duration.ofNanos(System.nanoTime() - t0));
    }
}
