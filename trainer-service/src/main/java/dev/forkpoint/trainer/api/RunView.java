package dev.forkpoint.trainer.api;

import dev.forkpoint.trainer.runs.Run;
import dev.forkpoint.trainer.runs.RunConfig;
import dev.forkpoint.trainer.runs.RunStatus;
import dev.forkpoint.trainer.runs.StepRecord;

import java.time.Instant;

/**
 * A run as the API shows it.
 *
 * @param queuePosition 1-based place in the queue while QUEUED, else null
 * @param latestMetrics the last completed step's metrics, null before the first step
 */
public record RunView(long id, String name, RunStatus status, int step, int totalSteps, String device,
                      String errorReason, boolean cancelRequested, int attempts, Long queuePosition,
                      Instant createdAt, Instant startedAt, Instant finishedAt, StepRecord latestMetrics,
                      RunConfig config) {

    static RunView of(Run run, Long queuePosition, StepRecord latest) {
        return new RunView(run.id(), run.name(), run.status(), run.currentStep(), run.totalSteps(), run.device(),
                run.errorReason(), run.cancelRequested(), run.attempts(), queuePosition, run.createdAt(),
                run.startedAt(), run.finishedAt(), latest, run.config());
    }
}
