package dev.forkpoint.learner.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one run loop: checkpoint cadence, cancel, stop, budget, notes and completion, on a scripted session. */
class RunDriverTest {

    /** Steps report reward {@code rewards[step-1]}; {@code signal} decides the reward-variance metric. */
    static final class Session implements TrainingSession {
        final int total;
        final boolean signal;
        int done;
        boolean completed;
        final List<Integer> checkpointsAt = new ArrayList<>();

        Session(int total, boolean signal, int startAt) {
            this.total = total;
            this.signal = signal;
            this.done = startAt;
        }

        @Override
        public StepReport step() {
            done++;
            return new StepReport(done, 0.0, 0.0, 1.0, 0.0, 0.0, 10, 10, Duration.ZERO, Duration.ZERO, null,
                    Map.of(RewardSignalWatch.METRIC, signal ? 0.25 : 0.0));
        }

        @Override
        public CheckpointRef checkpoint(Path dir) {
            checkpointsAt.add(done);
            return new CheckpointRef(done, dir.resolve("step-" + done), "0".repeat(64), 1, null);
        }

        @Override
        public int completedSteps() {
            return done;
        }

        @Override
        public int totalSteps() {
            return total;
        }

        @Override
        public void complete() {
            completed = true;
        }

        @Override
        public String device() {
            return "test";
        }

        @Override
        public void close() {
        }
    }

    static class Recorder implements RunDriver.Listener {
        final List<String> lines = new ArrayList<>();
        final List<String> notes = new ArrayList<>();
        int cancelAt = Integer.MAX_VALUE;
        int stopAt = Integer.MAX_VALUE;
        int seen;

        @Override
        public void stepCompleted(StepReport report, String progressLine) {
            seen = report.step();
            lines.add(progressLine);
        }

        @Override
        public void note(int step, String note) {
            notes.add(step + ": " + note);
        }

        @Override
        public boolean cancelRequested() {
            return seen >= cancelAt;
        }

        @Override
        public boolean stopRequested() {
            return seen >= stopAt;
        }
    }

    private static RunDriver.CheckpointStore store() {
        return s -> s.checkpoint(Path.of("/tmp"));
    }

    @Test
    void checkpointsEveryNStepsAndAtTheEndThenCompletes() throws Exception {
        Session s = new Session(7, true, 0);
        Recorder r = new Recorder();
        RunDriver.Result result = new RunDriver(s, 3, store(), r).run();
        assertEquals(new RunDriver.Result(RunDriver.Outcome.SUCCEEDED, 7), result);
        assertEquals(List.of(3, 6, 7), s.checkpointsAt);
        assertTrue(s.completed);
        assertEquals(7, r.lines.size());
        assertTrue(r.lines.get(0).startsWith("step 1/7 reward 0.0000"), r.lines.get(0));
        assertTrue(r.notes.isEmpty(), "rewards vary: no note");
    }

    @Test
    void aResumedRunCountsFromItsCheckpoint() throws Exception {
        Session s = new Session(5, true, 3);
        Recorder r = new Recorder();
        new RunDriver(s, 3, store(), r).run();
        assertEquals(List.of(5), s.checkpointsAt, "no checkpoint repeats step 3; the end is checkpointed");
        assertEquals(2, r.lines.size());
    }

    @Test
    void cancelCheckpointsAtTheBoundaryAndStopLeavesTheRunAsItIs() throws Exception {
        Session cancelled = new Session(10, true, 0);
        Recorder c = new Recorder();
        c.cancelAt = 4;
        assertEquals(new RunDriver.Result(RunDriver.Outcome.CANCELLED, 4), new RunDriver(cancelled, 3, store(), c).run());
        assertEquals(List.of(3, 4), cancelled.checkpointsAt);
        assertFalse(cancelled.completed);

        Session stopped = new Session(10, true, 0);
        Recorder st = new Recorder();
        st.stopAt = 4;
        assertEquals(new RunDriver.Result(RunDriver.Outcome.STOPPED, 4), new RunDriver(stopped, 3, store(), st).run());
        assertEquals(List.of(3), stopped.checkpointsAt, "shutdown writes nothing: the run resumes from step 3");
    }

    @Test
    void aBudgetStopsAtAStepBoundaryWithACheckpoint() throws Exception {
        Session s = new Session(10, true, 0);
        Recorder r = new Recorder();
        RunDriver.Result result = new RunDriver(s, 3, store(), r).stopAfter(5).run();
        assertEquals(new RunDriver.Result(RunDriver.Outcome.BUDGET_REACHED, 5), result);
        assertEquals(List.of(3, 5), s.checkpointsAt);
        assertTrue(r.lines.get(4).startsWith("step 5/10 "), "the schedule still spans 10 steps");
        assertFalse(s.completed);
    }

    @Test
    void twentyStepsWithoutRewardVarianceBecomeANoteEveryTwentySteps() throws Exception {
        Session s = new Session(45, false, 0);
        Recorder r = new Recorder();
        new RunDriver(s, 100, null, r).run();
        assertEquals(2, r.notes.size(), r.notes.toString());
        assertTrue(r.notes.get(0).startsWith("20: no reward variance in 20 steps (steps 1-20): every response scored"
                + " 0.000: the policy solves nothing; add a warm start"), r.notes.get(0));
        assertTrue(r.notes.get(1).startsWith("40: no reward variance in 40 steps (steps 1-40)"), r.notes.get(1));
        assertTrue(r.lines.get(19).contains(" | note: no reward variance in 20 steps"), r.lines.get(19));
        assertFalse(r.lines.get(20).contains("note"), "only the step that completes the window says so");
    }

    @Test
    void theWatchTellsTooEasyFromUnsolved() {
        RewardSignalWatch watch = new RewardSignalWatch();
        String note = null;
        for (int step = 1; step <= RewardSignalWatch.STEPS; step++) {
            note = watch.observe(new StepReport(step, 1.0, 1.0, 0.1, 0, 0, 1, 1, Duration.ZERO, Duration.ZERO, null,
                    Map.of(RewardSignalWatch.METRIC, 0.0))).orElse(null);
        }
        assertTrue(note != null && note.contains("every response is correct"), String.valueOf(note));
        RewardSignalWatch interrupted = new RewardSignalWatch();
        List<Integer> notedAt = new ArrayList<>();
        for (int step = 1; step <= 2 * RewardSignalWatch.STEPS; step++) {
            double share = step == RewardSignalWatch.STEPS ? 0.1 : 0.0; // one step with signal resets the count
            if (interrupted.observe(new StepReport(step, 0, 0, 0.1, 0, 0, 1, 1, Duration.ZERO, Duration.ZERO, null,
                    Map.of(RewardSignalWatch.METRIC, share))).isPresent()) {
                notedAt.add(step);
            }
        }
        assertEquals(List.of(2 * RewardSignalWatch.STEPS), notedAt, "20 steps in a row, counted after the reset");
    }
}
