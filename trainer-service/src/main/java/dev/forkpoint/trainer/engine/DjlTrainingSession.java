package dev.forkpoint.trainer.engine;

import dev.forkpoint.learner.run.RlRun;
import dev.forkpoint.learner.run.RlStep;
import dev.forkpoint.trainer.scheduling.CheckpointRef;
import dev.forkpoint.trainer.scheduling.StepResult;
import dev.forkpoint.trainer.scheduling.TrainingSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** One {@link RlRun} as the scheduler's {@link TrainingSession}. */
final class DjlTrainingSession implements TrainingSession {

    private final RlRun run;

    DjlTrainingSession(RlRun run) {
        this.run = run;
    }

    @Override
    public StepResult step() {
        RlStep s = run.step();
        if (run.finished()) {
            // Before the run is recorded SUCCEEDED: every statistic is written, or the run fails with the reason.
            run.flushObserver();
        }
        return new StepResult(s.step(), s.reward(), s.accuracy(), s.entropy(), s.kl(), s.clipfrac(),
                s.tokensPerSecond(), s.tokensSampled(), s.rolloutTime(), s.updateTime(), s.evalAccuracy(),
                finite(s.metrics()));
    }

    /** Metrics are stored as JSON, which has no NaN or infinity: such values are left out. */
    private static java.util.Map<String, Double> finite(java.util.Map<String, Double> metrics) {
        java.util.Map<String, Double> out = new java.util.LinkedHashMap<>();
        metrics.forEach((k, v) -> {
            if (v != null && Double.isFinite(v)) {
                out.put(k, v);
            }
        });
        return out;
    }

    @Override
    public CheckpointRef checkpoint(Path dir) throws Exception {
        Path file = dir.resolve(String.format(Locale.ROOT, "step-%06d.fpckpt", run.completedSteps()));
        run.checkpoint(file);
        return new CheckpointRef(run.completedSteps(), file, CheckpointFiles.sha256(file), Files.size(file),
                run.lastEvalAccuracy());
    }

    @Override
    public boolean finished() {
        return run.finished();
    }

    @Override
    public String device() {
        return run.device();
    }

    @Override
    public void close() {
        run.close();
    }
}
