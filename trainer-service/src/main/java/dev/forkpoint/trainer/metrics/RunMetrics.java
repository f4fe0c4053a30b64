package dev.forkpoint.trainer.metrics;

import dev.forkpoint.trainer.scheduling.StepResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Micrometer meters per run, tagged {@code run=<id>}, scraped at {@code /actuator/prometheus}:
 * gauges {@code forkpoint_run_step}, {@code _reward}, {@code _accuracy}, {@code _entropy},
 * {@code _tokens_per_second}; counters {@code forkpoint_run_tokens_sampled_total},
 * {@code forkpoint_run_steps_total}; timers {@code forkpoint_run_rollout_seconds},
 * {@code forkpoint_run_update_seconds}, {@code forkpoint_run_checkpoint_seconds}. The meters of a run
 * stay registered after it ends (last values stay scrapeable; Postgres holds the history).
 */
@Component
public class RunMetrics {

    private final MeterRegistry registry;
    private final Map<Long, RunMeters> byRun = new ConcurrentHashMap<>();

    public RunMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void step(long runId, StepResult r) {
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
    }

    public void checkpoint(long runId, Duration took) {
        meters(runId).checkpoint.record(took);
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

        RunMeters(MeterRegistry registry, String run) {
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
}
