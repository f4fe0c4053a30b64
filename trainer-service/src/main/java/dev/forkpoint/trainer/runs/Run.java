package dev.forkpoint.trainer.runs;

import dev.forkpoint.learner.config.RunSpec;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One row of {@code runs}.
 *
 * @param config the stored canonical config document (every key explicit); {@link #spec()} reads it
 * @param notes  what the run said about itself while it trained (e.g. no reward variance), oldest first
 */
public record Run(long id, String name, RunStatus status, Map<String, Object> config, int priority, int totalSteps,
                  int currentStep, String device, String errorReason, List<String> notes, boolean cancelRequested,
                  int attempts, Instant createdAt, Instant startedAt, Instant finishedAt) {

    /** The typed config, parsed from the stored document as it was parsed at submission. */
    public RunSpec spec() {
        return RunSpec.parse(config);
    }
}
