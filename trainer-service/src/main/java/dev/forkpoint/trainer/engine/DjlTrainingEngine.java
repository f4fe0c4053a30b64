package dev.forkpoint.trainer.engine;

import dev.forkpoint.learner.config.RunSpec;
import dev.forkpoint.rollout.checkpoint.CheckpointFiles;
import dev.forkpoint.learner.run.CheckpointRef;
import dev.forkpoint.learner.run.RlRun;
import dev.forkpoint.learner.run.TrainingSession;
import dev.forkpoint.trainer.analytics.EntropyAnalytics;
import dev.forkpoint.trainer.scheduling.TrainingEngine;
import java.util.Optional;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * Opens the learner's {@link RlRun} sessions for the scheduler, with the service's entropy analytics attached; a
 * resume verifies the checkpoint's SHA-256 and step against the database's record first. Active unless
 * {@code forkpoint.engine=none} (the service's integration tests use that with their own engine).
 */
@Component
@ConditionalOnProperty(prefix = "forkpoint", name = "engine", havingValue = "djl", matchIfMissing = true)
public class DjlTrainingEngine implements TrainingEngine {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(DjlTrainingEngine.class);
    private final EntropyAnalytics analytics;

    /** @param analytics per-run entropy analytics; null for none (Spring-free tests) */
    public DjlTrainingEngine(EntropyAnalytics analytics) {
        this.analytics = analytics;
    }

    /** Every run streams its token entropies to entropy-analytics unless {@code forkpoint.analytics.enabled=false}. */
    private TrainingSession observed(long runId, RlRun run) {
        if (analytics != null && analytics.enabled()) {
            run.observe(analytics.open(runId));
        } else {
            log.info("run {}: entropy analytics are off (forkpoint.analytics.enabled=false or no analytics"
                    + " configured)", runId);
        }
        return run;
    }

    @Override
    public TrainingSession open(long runId, RunSpec config, Optional<CheckpointRef> resumeFrom) throws Exception {
        return open(runId, config, resumeFrom, () -> false);
    }

    @Override
    public TrainingSession open(long runId, RunSpec config, Optional<CheckpointRef> resumeFrom,
                                java.util.function.BooleanSupplier stopping) throws Exception {
        if (resumeFrom.isEmpty()) {
            return observed(runId, RlRun.open(config, stopping));
        }
        CheckpointRef ref = resumeFrom.get();
        String actual = CheckpointFiles.sha256(ref.path());
        if (!actual.equalsIgnoreCase(ref.sha256())) {
            throw new IllegalStateException("checkpoint " + ref.path() + ": SHA-256 " + actual
                    + " differs from the recorded " + ref.sha256());
        }
        RlRun run = RlRun.resume(config, ref.path());
        if (run.completedSteps() != ref.step()) {
            run.close();
            throw new IllegalStateException("checkpoint " + ref.path() + " holds step " + run.completedSteps()
                    + " but is recorded as step " + ref.step());
        }
        return observed(runId, run);
    }
}
