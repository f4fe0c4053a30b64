package dev.forkpoint.trainer.scheduling;

import dev.forkpoint.trainer.checkpoints.CheckpointRepository;
import dev.forkpoint.trainer.checkpoints.CheckpointRetention;
import dev.forkpoint.trainer.metrics.RunMetrics;
import dev.forkpoint.trainer.runs.Run;
import dev.forkpoint.trainer.runs.RunRepository;
import dev.forkpoint.trainer.runs.RunStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Trains one claimed run to a step boundary where it ends: finished (SUCCEEDED), cancelled (CANCELLED),
 * a step or checkpoint threw (FAILED, reason recorded), or the service is stopping (left RUNNING; the
 * next start resumes it from its latest checkpoint).
 */
final class RunExecution implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(RunExecution.class);

    private final RunLease lease;
    private final Optional<CheckpointRef> resumeFrom;
    private final TrainingEngine engine;
    private final RunRepository runs;
    private final CheckpointRepository checkpoints;
    private final CheckpointRetention retention;
    private final RunMetrics metrics;
    private final Path checkpointDir;
    private final BooleanSupplier stopping;

    RunExecution(RunLease lease, Optional<CheckpointRef> resumeFrom, TrainingEngine engine, RunRepository runs,
                 CheckpointRepository checkpoints, CheckpointRetention retention, RunMetrics metrics,
                 Path checkpointDir, BooleanSupplier stopping) {
        this.lease = lease;
        this.resumeFrom = resumeFrom;
        this.engine = engine;
        this.runs = runs;
        this.checkpoints = checkpoints;
        this.retention = retention;
        this.metrics = metrics;
        this.checkpointDir = checkpointDir;
        this.stopping = stopping;
    }

    long runId() {
        return lease.runId();
    }

    @Override
    public void run() {
        long id = lease.runId();
        try (lease) {
            Run run = runs.find(id).orElseThrow();
            int every = run.config().training().checkpointEvery();
            int keep = run.config().training().keepCheckpoints();
            int startStep = resumeFrom.map(CheckpointRef::step).orElse(0);
            runs.rewindTo(id, startStep);
            try (TrainingSession session = engine.open(id, run.config(), resumeFrom)) {
                runs.setDevice(id, session.device());
                log.info("run {} '{}' {} at step {}/{} on {}", id, run.name(),
                        resumeFrom.isPresent() ? "resumed from checkpoint" : "started", startStep,
                        run.totalSteps(), session.device());
                int lastCheckpoint = startStep;
                int step = startStep;
                long loopStart = System.nanoTime();
                while (!session.finished()) {
                    if (stopping.getAsBoolean()) {
                        log.info("run {} paused at step {} for shutdown; it resumes from its latest checkpoint (step {}) at the next start",
                                id, step, lastCheckpoint);
                        return;
                    }
                    if (runs.cancelRequested(id)) {
                        if (step > lastCheckpoint) {
                            checkpoint(id, session, keep); // so a later resume loses no steps
                        }
                        runs.finish(id, RunStatus.CANCELLED, "cancelled at step " + step);
                        metrics.ended(id);
                        log.info("run {} cancelled at step {}", id, step);
                        return;
                    }
                    StepResult r = session.step();
                    step = r.step();
                    runs.recordStep(id, step, r.reward(), r.accuracy(), r.entropy(), r.kl(), r.clipfrac(),
                            r.tokensPerSecond(), r.tokensSampled(), r.evalAccuracy(), millis(r.rolloutTime()),
                            millis(r.updateTime()), r.metrics());
                    metrics.step(id, r);
                    log.info("run {} {}", id, progressLine(r, run.totalSteps(),
                            eta(loopStart, step - startStep, run.totalSteps() - step)));
                    if (step % every == 0) {
                        checkpoint(id, session, keep);
                        lastCheckpoint = step;
                    }
                }
                if (step > lastCheckpoint) {
                    checkpoint(id, session, keep);
                }
                runs.finish(id, RunStatus.SUCCEEDED, null);
                metrics.ended(id);
                log.info("run {} succeeded after {} steps", id, step);
            }
        } catch (Exception | LinkageError e) {
            String reason = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            log.error("run {} failed: {}", id, reason, e);
            try {
                runs.finish(id, RunStatus.FAILED, reason.length() > 2000 ? reason.substring(0, 2000) : reason);
                metrics.ended(id);
            } catch (RuntimeException dbDown) {
                log.error("run {}: could not record the failure ({}); it stays RUNNING and is recovered at the next poll", id, dbDown.toString());
            }
        }
    }

    private void checkpoint(long id, TrainingSession session, int keep) throws Exception {
        long t0 = System.nanoTime();
        Files.createDirectories(checkpointDir);
        CheckpointRef ref = session.checkpoint(checkpointDir);
        checkpoints.record(id, ref);
        retention.apply(id, keep);
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        metrics.checkpoint(id, took);
        log.info("run {} checkpoint at step {} -> {} ({} ms)", id, ref.step(), ref.path(), took.toMillis());
    }

    private static double millis(Duration d) {
        return d == null ? 0.0 : d.toNanos() / 1e6;
    }

    /** The headless run's progress line (docs/headless.md), so the service log reads the same. */
    static String progressLine(StepResult r, int totalSteps, Duration eta) {
        long s = Math.max(0, eta.toSeconds());
        String line = String.format(Locale.ROOT,
                "step %d/%d reward %.4f accuracy %.4f entropy %.4f kl %.6f clipfrac %.4f tokens/s %.0f eta %02d:%02d:%02d",
                r.step(), totalSteps, r.reward(), r.accuracy(), r.entropy(), r.kl(), r.clipfrac(), r.tokensPerSecond(),
                s / 3600, (s / 60) % 60, s % 60);
        return r.evalAccuracy() == null ? line : line + String.format(Locale.ROOT, " eval_accuracy %.4f",
                r.evalAccuracy());
    }

    /** Remaining steps times the mean wall time of the steps run so far in this process. */
    private static Duration eta(long loopStart, int stepsDone, int remaining) {
        return stepsDone <= 0 ? Duration.ZERO
                : Duration.ofNanos((System.nanoTime() - loopStart) / stepsDone * Math.max(0, remaining));
    }
}
