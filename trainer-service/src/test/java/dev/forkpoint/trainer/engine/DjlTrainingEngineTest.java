package dev.forkpoint.trainer.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkpoint.learner.config.ConfigDocuments;
import dev.forkpoint.learner.config.RunSpec;
import dev.forkpoint.rollout.checkpoint.CheckpointFiles;
import dev.forkpoint.learner.run.CheckpointRef;
import dev.forkpoint.learner.run.StepReport;
import dev.forkpoint.learner.run.TrainingSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Spring-free behaviour of the engine adapter on a tiny countdown run: steps, checkpoint, verified resume. */
class DjlTrainingEngineTest {

    private static final RunSpec CONFIG = RunSpec.parse(ConfigDocuments.parseJson("""
            {"seed": 5, "device": "cpu", "model": {"layers": 1, "heads": 2, "dModel": 16, "contextLength": 32},
             "task": {"name": "countdown", "evalSize": 4}, "objective": {"preset": "GRPO"},
             "sampling": {"maxNewTokens": 8},
             "training": {"steps": 3, "promptsPerStep": 2, "groupSize": 2, "evalEvery": 2, "evalSize": 4}}"""));

    /**
     * Runs on a fresh thread, as the scheduler's executor does: libtorch's grad mode is per thread and on by
     * default there, unlike on the thread that initialised the engine.
     */
    @Test
    void stepsCheckpointAndResumeFromAVerifiedCheckpointOnAFreshThread(@TempDir Path dir) throws Exception {
        java.util.concurrent.ExecutorService executor = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            executor.submit(() -> {
                stepsCheckpointAndResume(dir);
                return null;
            }).get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
        } finally {
            executor.shutdown();
        }
    }

    private static void stepsCheckpointAndResume(Path dir) throws Exception {
        DjlTrainingEngine engine = new DjlTrainingEngine(null);
        CheckpointRef ref;
        StepReport third;
        try (TrainingSession s = engine.open(1, CONFIG, Optional.empty())) {
            assertEquals("cpu()", s.device());
            StepReport first = s.step();
            assertEquals(1, first.step());
            assertEquals(null, first.evalAccuracy());
            StepReport second = s.step();
            assertTrue(second.evalAccuracy() != null, "evalEvery = 2");
            ref = s.checkpoint(dir);
            assertEquals(2, ref.step());
            assertEquals(Files.size(ref.path()), ref.sizeBytes());
            assertEquals(CheckpointFiles.sha256(ref.path()), ref.sha256());
            assertEquals(second.evalAccuracy(), ref.evalAccuracy());
            third = s.step();
            assertTrue(s.finished());
        }
        try (TrainingSession resumed = engine.open(1, CONFIG, Optional.of(ref))) {
            StepReport again = resumed.step();
            assertEquals(3, again.step());
            assertEquals(third.reward(), again.reward());
            assertEquals(third.entropy(), again.entropy());
            assertEquals(third.metrics().get("actor/pg_loss"), again.metrics().get("actor/pg_loss"));
        }
        CheckpointRef wrong = new CheckpointRef(2, ref.path(), "0".repeat(64), ref.sizeBytes(), null);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> engine.open(1, CONFIG, Optional.of(wrong)));
        assertTrue(e.getMessage().contains("SHA-256"), e.getMessage());
    }

    /**
     * A service shutting down need not wait for a fresh run's warm start: the opening asks the stop flag before
     * every warm-start step and ends with WarmStartStopped after the steps it has done; without the flag it completes.
     */
    @Test
    void aWarmStartStopsAtTheNextStepWhenTheServiceIsShuttingDown() throws Exception {
        RunSpec warm = RunSpec.parse(ConfigDocuments.parseJson("""
                {"seed": 5, "device": "cpu", "model": {"layers": 1, "heads": 2, "dModel": 16, "contextLength": 32,
                 "warmStart": {"steps": 50, "batchSize": 4}},
                 "task": {"name": "countdown", "evalSize": 4}, "objective": {"preset": "GRPO"},
                 "sampling": {"maxNewTokens": 8},
                 "training": {"steps": 1, "promptsPerStep": 2, "groupSize": 2, "evalEvery": 0, "evalSize": 4}}"""));
        DjlTrainingEngine engine = new DjlTrainingEngine(null);
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        dev.forkpoint.learner.warmstart.WarmStartStopped stopped = assertThrows(
                dev.forkpoint.learner.warmstart.WarmStartStopped.class,
                () -> engine.open(1, warm, Optional.empty(), () -> asked.incrementAndGet() > 3));
        assertEquals(3, stopped.step(), "three steps done, stopped before the fourth");
        assertEquals(4, asked.get());
        try (TrainingSession s = engine.open(1, warm, Optional.empty(), () -> false)) {
            assertEquals(1, s.step().step());
        }
    }
}
