package dev.forkpoint.trainer.metrics;

import dev.forkpoint.learner.run.StepReport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Micrometer meters per run, tagged {@code run=<id>}, scraped at {@code /actuator/prometheus}:
 * gauges {@code forkpoint_run_step}, {@code _reward}, {@code _accuracy}, {@code _entropy},
 * {@code _tokens_per_second}; counters {@code forkpoint_run_tokens_sampled_total},
 * {@code forkpoint_run_steps_total}; timers {@code forkpoint_run_rollout_seconds},
 * {@code forkpoint_run_update_seconds}, {@code forkpoint_run_checkpoint_seconds}. Every meter tagged with an ended
 * run (these and others, e.g. {@code forkpoint_analytics_wait_seconds}) stays registered for
 * {@code forkpoint.metrics.ended-run-retention} after the run ends, so its last values stay scrapeable, and is then
 * removed, so the scrape does not grow with every run ever trained (Postgres holds the history). A run that steps
 * again (resumed) is live again.
 */
@Component
public class RunMetrics {

    private final MeterRegistry registry;
    private final Duration retention;
    private final Clock clock;
    private final Map<Long, RunMeters> byRun = new ConcurrentHashMap<>();
    /** Ended runs whose meters are still registered, with the time they ended; guarded by {@code this}. */
    private final Map<Long, Instant> ended = new HashMap<>();

    @Autowired
    public RunMetrics(MeterRegistry registry, MetricsProperties properties) {
        this(registry, properties, Clock.systemUTC());
    }

    RunMetrics(MeterRegistry registry, MetricsProperties properties, Clock clock) {
        this.registry = registry;
        this.retention = properties.endedRunRetention();
        this.clock = clock;
    }

    public void step(long runId, StepReport r) {
        synchronized (this) {
            ended.remove(runId);
        }
        RunMeters m = meters(runId);
        m.step = r.step();
        m.reward = r.reward();
        m.accuracy = r.accuracy();
        m.entropy = r.entropy();
        m.tokensPerSecond = r.tokensPerSecond();
        m.steps.increment();
        m.tokensSampled.increment(r.tokensSampled());
        m.rollout.record(r.rolloutTime());
        m.update.record(r.updateTime());
        Double workers = r.metrics().get("rollout/workers");
        if (workers != null) {
            m.cluster(registry).record(workers, r.metrics());
        }
    }

    public void checkpoint(long runId, Duration took) {
        meters(runId).checkpoint.record(took);
    }

    /** The run reached SUCCEEDED, FAILED or CANCELLED: its meters go at the first sweep after the retention. */
    public synchronized void ended(long runId) {
        ended.put(runId, clock.instant());
    }

    /** Removes the meters of runs that ended at least the retention ago; returns how many meters went. */
    public synchronized int removeExpired() {
        Instant cutoff = clock.instant().minus(retention);
        int removed = 0;
        for (var it = ended.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (e.getValue().isAfter(cutoff)) {
                continue;
            }
            String run = Long.toString(e.getKey());
            List<Meter> meters = registry.getMeters().stream().filter(m -> run.equals(m.getId().getTag("run"))).toList();
            meters.forEach(registry::remove);
            removed += meters.size();
            byRun.remove(e.getKey());
            it.remove();
        }
        return removed;
    }

    private RunMeters meters(long runId) {
        return byRun.computeIfAbsent(runId, id -> new RunMeters(registry, Long.toString(id)));
    }

    /** The meters of one run; gauges read the volatile fields the executor writes after each step. */
    private static final class RunMeters {
        volatile double step;
        volatile double reward = Double.NaN;
        volatile double accuracy = Double.NaN;
        volatile double entropy = Double.NaN;
        volatile double tokensPerSecond = Double.NaN;
        final Counter steps;
        final Counter tokensSampled;
        final Timer rollout;
        final Timer update;
        final Timer checkpoint;
        /** Registered at the first step of a run with rollout.backend = cluster. */
        private ClusterMeters cluster;
        private final String run;

        synchronized ClusterMeters cluster(MeterRegistry registry) {
            if (cluster == null) {
                cluster = new ClusterMeters(registry, run);
            }
            return cluster;
        }

        RunMeters(MeterRegistry registry, String run) {
            this.run = run;
            Gauge.builder("forkpoint.run.step", this, m -> m.step).tag("run", run)
                    .description("completed training steps").register(registry);
            Gauge.builder("forkpoint.run.reward", this, m -> m.reward).tag("run", run)
                    .description("mean rollout reward of the last step").register(registry);
            Gauge.builder("forkpoint.run.accuracy", this, m -> m.accuracy).tag("run", run)
                    .description("verifier accuracy of the last step's rollouts").register(registry);
            Gauge.builder("forkpoint.run.entropy", this, m -> m.entropy).tag("run", run).baseUnit("nats")
                    .description("mean token entropy of the last step's rollouts").register(registry);
            Gauge.builder("forkpoint.run.tokens.per.second", this, m -> m.tokensPerSecond).tag("run", run)
                    .description("sampling throughput of the last step").register(registry);
            steps = Counter.builder("forkpoint.run.steps").tag("run", run).description("training steps completed")
                    .register(registry);
            tokensSampled = Counter.builder("forkpoint.run.tokens.sampled").tag("run", run)
                    .description("tokens sampled in rollouts").register(registry);
            rollout = Timer.builder("forkpoint.run.rollout").tag("run", run).description("rollout (sampling) time per step")
                    .register(registry);
            update = Timer.builder("forkpoint.run.update").tag("run", run).description("learner update time per step")
                    .register(registry);
            checkpoint = Timer.builder("forkpoint.run.checkpoint").tag("run", run).description("checkpoint write time")
                    .register(registry);
        }
    }

    /**
     * A cluster run's rollout: {@code forkpoint_run_rollout_workers}, {@code _shard_retries_total},
     * {@code _weight_publish_seconds} and {@code _worker_seconds_max} (the slowest shard of the last step: stragglers).
     */
    private static final class ClusterMeters {
        volatile double workers;
        volatile double publishSeconds;
        volatile double workerSecondsMax;
        final Counter retries;

        ClusterMeters(MeterRegistry registry, String run) {
            Gauge.builder("forkpoint.run.rollout.workers", this, m -> m.workers).tag("run", run)
                    .description("rollout workers in the run's cluster at the end of the last step").register(registry);
            Gauge.builder("forkpoint.run.rollout.weight.publish.seconds", this, m -> m.publishSeconds)
                    .tag("run", run).description("time the last step spent publishing weights").register(registry);
            Gauge.builder("forkpoint.run.rollout.worker.seconds.max", this, m -> m.workerSecondsMax)
                    .tag("run", run).description("slowest shard of the last step on its worker").register(registry);
            retries = Counter.builder("forkpoint.run.rollout.shard.retries").tag("run", run)
                    .description("shards sent again after their worker left, failed or timed out").register(registry);
        }

        void record(double workerCount, java.util.Map<String, Double> metrics) {
            workers = workerCount;
            publishSeconds = metrics.getOrDefault("rollout/weight_publish_seconds", 0.0);
            workerSecondsMax = metrics.getOrDefault("rollout/worker_seconds_max", 0.0);
            retries.increment(metrics.getOrDefault("rollout/shard_retries", 0.0));
        }
    }
}
