package dev.forkpoint.trainer.engine;

import dev.forkpoint.learner.run.RlRun;
import dev.forkpoint.trainer.analytics.EntropyAnalytics;
import dev.forkpoint.trainer.runs.RunConfig;
import dev.forkpoint.trainer.scheduling.CheckpointRef;
import dev.forkpoint.trainer.scheduling.TrainingEngine;
import dev.forkpoint.trainer.scheduling.TrainingSession;
import java.util.Optional;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/** Opens {@link RlRun} sessions for the scheduler; a resume verifies the checkpoint's SHA-256 first. */
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
    private TrainingSession session(long runId, RlRun run) {
        if (analytics != null && analytics.enabled()) {
            run.observe(analytics.open(runId));
        } else {
            log.info("run {}: entropy analytics are off (forkpoint.analytics.enabled=false or no analytics"
                    + " configured)", runId);
        }
        return new DjlTrainingSession(run);
    }

    @Override
    public TrainingSession open(long runId, RunConfig config, Optional<CheckpointRef> resumeFrom) throws Exception {
        if (resumeFrom.isEmpty()) {
            return session(runId, RlRun.open(config));
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
        return session(runId, run);
    }
}
