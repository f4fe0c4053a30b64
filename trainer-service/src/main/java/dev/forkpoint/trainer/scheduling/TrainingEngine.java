package dev.forkpoint.trainer.scheduling;

import dev.forkpoint.learner.config.RunSpec;
import dev.forkpoint.learner.run.CheckpointRef;
import dev.forkpoint.learner.run.TrainingSession;
import java.util.Optional;

/**
 * Opens training sessions: the rollout worker plus the learner. The scheduler owns when and how many; the engine
 * owns what a step does. Without a bean of this type the service accepts runs and keeps them QUEUED.
 */
public interface TrainingEngine {

    /**
     * Opens run {@code runId} with its config, fresh or from {@code resumeFrom} (then the next
     * {@link TrainingSession#step()} returns step {@code resumeFrom.step() + 1}, and the steps that follow
     * equal those of an uninterrupted run with the same seed).
     */
    TrainingSession open(long runId, RunSpec config, Optional<CheckpointRef> resumeFrom) throws Exception;

    /**
     * As {@link #open(long, RunSpec, Optional)}, asking {@code stopping} during a long opening (a fresh run's warm
     * start) and ending it with {@code WarmStartStopped} when the service is shutting down.
     */
    default TrainingSession open(long runId, RunSpec config, Optional<CheckpointRef> resumeFrom,
                                 java.util.function.BooleanSupplier stopping) throws Exception {
        return open(runId, config, resumeFrom);
    }
}
