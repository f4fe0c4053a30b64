package dev.forkpoint.trainer.scheduling;

import dev.forkpoint.learner.config.RunSpec;
import dev.forkpoint.learner.run.CheckpointRef;
import dev.forkpoint.learner.run.RunDriver;
import dev.forkpoint.learner.run.StepReport;
import dev.forkpoint.learner.run.TrainingSession;
import dev.forkpoint.learner.warmstart.WarmStartStopped;
import dev.forkpoint.trainer.checkpoints.CheckpointRepository;
import dev.forkpoint.trainer.checkpoints.CheckpointRetention;
import dev.forkpoint.trainer.metrics.RunMetrics;
import dev.forkpoint.trainer.runs.Run;
import dev.forkpoint.trainer.runs.RunRepository;
import dev.forkpoint.trainer.runs.RunStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains one claimed run with the learner's {@link RunDriver} (the loop {@code forkpoint train} uses too) and
 * records what happens in Postgres: each step, each checkpoint with the retention rule, notes, and the end
 * (SUCCEEDED; CANCELLED at a step boundary; FAILED with the reason; or left RUNNING when the service stops, to
 * resume from the latest checkpoint at the next start).
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
            RunSpec config = run.spec();
            int keep = config.training().keepCheckpoints();
            int startStep = resumeFrom.map(CheckpointRef::step).orElse(0);
            runs.rewindTo(id, startStep);
            try (TrainingSession session = engine.open(id, config, resumeFrom, stopping)) {
                runs.setDevice(id, session.device());
                // A cluster run waiting for rollout workers says so in the run's notes (REST, console).
                session.onStatus(line -> {
                    if (line != null) {
                        runs.addNote(id, line);
                    }
                });
                log.info("run {} '{}' {} at step {}/{} on {}", id, run.name(),
                        resumeFrom.isPresent() ? "resumed from checkpoint" : "started", startStep,
                        run.totalSteps(), session.device());
                RunDriver.CheckpointStore store = s -> {
                    Files.createDirectories(checkpointDir);
                    CheckpointRef ref = s.checkpoint(checkpointDir);
                    checkpoints.record(id, ref);
                    retention.apply(id, keep);
                    return ref;
                };
                RunDriver.Result result = new RunDriver(session, config.training().checkpointEvery(), store,
                        new RunDriver.Listener() {
                            @Override
                            public void stepCompleted(StepReport report, String progressLine) {
                                runs.recordStep(id, report);
                                metrics.step(id, report);
                                log.info("run {} {}", id, progressLine);
                            }

                            @Override
                            public void checkpointSaved(CheckpointRef ref, Duration took) {
                                metrics.checkpoint(id, took);
                                log.info("run {} checkpoint at step {} -> {} ({} ms)", id, ref.step(), ref.path(),
                                        took.toMillis());
                            }

                            @Override
                            public void note(int step, String note) {
                                runs.addNote(id, "step " + step + ": " + note);
                                log.warn("run {}: {}", id, note);
                            }

                            @Override
                            public boolean stopRequested() {
                                return stopping.getAsBoolean();
                            }

                            @Override
                            public boolean cancelRequested() {
                                return runs.cancelRequested(id);
                            }
                        }).run();
                switch (result.outcome()) {
                    case SUCCEEDED -> {
                        runs.finish(id, RunStatus.SUCCEEDED, null);
                        metrics.ended(id);
                        log.info("run {} succeeded after {} steps", id, result.step());
                    }
                    case CANCELLED -> {
                        runs.finish(id, RunStatus.CANCELLED, "cancelled at step " + result.step());
                        metrics.ended(id);
                        log.info("run {} cancelled at step {}", id, result.step());
                    }
                    case STOPPED -> log.info("run {} paused at step {} for shutdown; it resumes from its latest"
                            + " checkpoint at the next start", id, result.step());
                    case BUDGET_REACHED -> throw new IllegalStateException("the service sets no step budget");
                }
            }
        } catch (dev.forkpoint.rollout.cluster.RolloutStopped e) {
            // Shutting down while a cluster run waited for rollout workers: it resumes from its last checkpoint.
            log.info("run {} paused while waiting for rollout workers ({}) for shutdown", id, e.getMessage());
        } catch (WarmStartStopped e) {
            // Shutting down during the opening warm start: nothing to keep; the run stays RUNNING and starts again
            // (the warm start is deterministic) when the service next starts.
            log.info("run {} paused during its warm start ({}) for shutdown; it starts again at the next start", id,
                    e.getMessage());
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
}
