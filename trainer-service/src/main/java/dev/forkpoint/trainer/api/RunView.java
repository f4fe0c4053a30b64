package dev.forkpoint.trainer.api;

import dev.forkpoint.learner.run.StepRecord;
import dev.forkpoint.trainer.runs.Run;
import dev.forkpoint.trainer.runs.RunStatus;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A run as the API shows it.
 *
 * @param queuePosition 1-based place in the queue while QUEUED, else null
 * @param notes         what the run said about itself while it trained (e.g. "no reward variance in 20 steps ...")
 * @param latestMetrics the last completed step's metrics, null before the first step
 * @param config        the run's config with every key explicit (the canonical form of what was submitted)
 */
public record RunView(long id, String name, RunStatus status, int step, int totalSteps, String device,
                      String errorReason, List<String> notes, boolean cancelRequested, int attempts,
                      Long queuePosition, Instant createdAt, Instant startedAt, Instant finishedAt,
                      StepRecord latestMetrics,
                      @Schema(ref = OpenApiDescription.RUN_CONFIG_SCHEMA) Map<String, Object> config) {

    static RunView of(Run run, Long queuePosition, StepRecord latest) {
        return new RunView(run.id(), run.name(), run.status(), run.currentStep(), run.totalSteps(), run.device(),
                run.errorReason(), run.notes(), run.cancelRequested(), run.attempts(), queuePosition, run.createdAt(),
                run.startedAt(), run.finishedAt(), latest, run.config());
    }
}
