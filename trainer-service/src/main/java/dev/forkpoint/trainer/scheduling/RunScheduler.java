package dev.forkpoint.trainer.scheduling;

import dev.forkpoint.learner.run.CheckpointRef;
import dev.forkpoint.trainer.ForkpointProperties;
import dev.forkpoint.trainer.checkpoints.CheckpointRepository;
import dev.forkpoint.trainer.checkpoints.CheckpointRetention;
import dev.forkpoint.trainer.metrics.RunMetrics;
import dev.forkpoint.trainer.runs.RunQueuedEvent;
import dev.forkpoint.trainer.runs.RunRepository;
import dev.forkpoint.trainer.runs.RunStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import javax.sql.DataSource;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The persisted queue's consumer. Every poll (and whenever a run is queued) it fills free slots, up to
 * {@code forkpoint.scheduler.concurrency}: first with orphans (runs RUNNING in the database that no live
 * process holds, e.g. after the service was killed: resumed from the latest checkpoint, else restarted
 * or failed per {@code forkpoint.recovery.without-checkpoint}), then with QUEUED runs in priority/FIFO
 * order. Ownership of a run is a PostgreSQL advisory lock ({@link RunLease}).
 */
@Component
public class RunScheduler implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RunScheduler.class);

    private final DataSource dataSource;
    private final RunRepository runs;
    private final CheckpointRepository checkpoints;
    private final CheckpointRetention retention;
    private final RunMetrics metrics;
    private final ObjectProvider<TrainingEngine> engineProvider;
    private final SchedulerProperties properties;
    private final RecoveryProperties recovery;
    private final ForkpointProperties forkpoint;

    private final Set<Long> active = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;
    private volatile boolean running;
    private volatile Instant lastPoll;
    private volatile String lastPollError;
    private final AtomicInteger executorThreads = new AtomicInteger();
    private ScheduledExecutorService poller;
    private ExecutorService executors;
    private TrainingEngine engine;

    public RunScheduler(DataSource dataSource, RunRepository runs, CheckpointRepository checkpoints,
                        CheckpointRetention retention, RunMetrics metrics, ObjectProvider<TrainingEngine> engine,
                        SchedulerProperties properties, RecoveryProperties recovery, ForkpointProperties forkpoint) {
        this.dataSource = dataSource;
        this.runs = runs;
        this.checkpoints = checkpoints;
        this.retention = retention;
        this.metrics = metrics;
        this.engineProvider = engine;
        this.properties = properties;
        this.recovery = recovery;
        this.forkpoint = forkpoint;
    }

    @Override
    public synchronized void start() {
        engine = engineProvider.getIfAvailable();
        stopping = false;
        if (engine == null) {
            log.warn("no TrainingEngine bean: runs are accepted and stay QUEUED until an engine is wired");
            running = true;
            return;
        }
        executors = Executors.newFixedThreadPool(properties.concurrency(),
                r -> new Thread(r, "run-executor-" + executorThreads.incrementAndGet()));
        poller = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "run-scheduler"));
        long interval = properties.pollInterval().toMillis();
        poller.scheduleWithFixedDelay(this::poll, 0, interval, TimeUnit.MILLISECONDS);
        running = true;
        log.info("run scheduler started: concurrency {}, poll every {} ms, recovery without checkpoint: {}",
                properties.concurrency(), interval, recovery.withoutCheckpoint());
    }

    /** A new run was queued: poll now instead of at the next tick. */
    @EventListener
    public void onRunQueued(RunQueuedEvent event) {
        wake();
    }

    private void wake() {
        ScheduledExecutorService p = poller;
        if (p != null && !stopping) {
            try {
                p.execute(this::poll);
            } catch (java.util.concurrent.RejectedExecutionException ignored) {
                // shutting down
            }
        }
    }

    private void poll() {
        if (stopping) {
            return;
        }
        try {
            fillFromOrphans();
            while (!stopping && active.size() < properties.concurrency()) {
                Optional<RunLease> lease = RunLease.claimQueued(dataSource);
                if (lease.isEmpty()) {
                    break;
                }
                launch(lease.get(), checkpoints.latest(lease.get().runId()));
            }
            metrics.removeExpired();
            lastPoll = Instant.now();
            lastPollError = null;
        } catch (Exception e) {
            lastPollError = e.toString();
            log.warn("scheduler poll failed: {}", e.toString());
        }
    }

    private void fillFromOrphans() throws Exception {
        List<Long> running = runs.runningIds();
        for (long id : running) {
            if (stopping || active.size() >= properties.concurrency()) {
                return;
            }
            if (active.contains(id)) {
                continue;
            }
            Optional<RunLease> claimed = RunLease.claimOrphan(dataSource, id);
            if (claimed.isEmpty()) {
                continue; // a live process trains it
            }
            RunLease lease = claimed.get();
            Optional<CheckpointRef> latest = checkpoints.latest(id);
            if (latest.isPresent()) {
                log.info("run {} was RUNNING with no live process: resuming from its checkpoint at step {}", id, latest.get().step());
                launch(lease, latest);
            } else if (recovery.withoutCheckpoint() == RecoveryProperties.WithoutCheckpoint.FAIL) {
                try (lease) {
                    runs.finish(id, RunStatus.FAILED,
                            "interrupted (service stopped while it ran) and no checkpoint to resume from; forkpoint.recovery.without-checkpoint=fail");
                }
                log.warn("run {} was RUNNING with no live process and has no checkpoint: marked FAILED", id);
            } else {
                log.info("run {} was RUNNING with no live process and has no checkpoint: restarting from step 0", id);
                launch(lease, Optional.empty());
            }
        }
    }

    private void launch(RunLease lease, Optional<CheckpointRef> from) {
        long id = lease.runId();
        active.add(id);
        RunExecution execution = new RunExecution(lease, from, engine, runs, checkpoints, retention, metrics,
                forkpoint.runDirectory(id).resolve("checkpoints"), () -> stopping);
        try {
            executors.execute(() -> {
                try {
                    execution.run();
                } finally {
                    active.remove(id);
                    wake(); // a slot is free
                }
            });
        } catch (RuntimeException e) {
            active.remove(id);
            lease.close();
            throw e;
        }
    }

    @Override
    public synchronized void stop() {
        stopping = true;
        if (poller != null) {
            poller.shutdown(); // cancels the periodic poll; lets an in-flight poll finish its SQL
            try {
                poller.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (executors != null) {
            executors.shutdown();
            try {
                if (!executors.awaitTermination(properties.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                    log.warn("runs {} did not reach a step boundary within {}; interrupting", active, properties.shutdownTimeout());
                    executors.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                executors.shutdownNow();
            }
        }
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stop before the web server and the DataSource go (higher phase stops earlier). */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 2048;
    }

    // ---- state for the health indicator ----

    public boolean hasEngine() {
        return engine != null;
    }

    public Set<Long> activeRuns() {
        return Set.copyOf(active);
    }

    public int concurrency() {
        return properties.concurrency();
    }

    public Instant lastPoll() {
        return lastPoll;
    }

    public String lastPollError() {
        return lastPollError;
    }

    public boolean stopping() {
        return stopping;
    }
}
