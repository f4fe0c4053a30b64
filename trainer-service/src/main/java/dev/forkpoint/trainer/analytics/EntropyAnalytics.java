package dev.forkpoint.trainer.analytics;

import dev.forkpoint.analytics.stats.StepEntropySummarizer;
import dev.forkpoint.learner.analytics.EntropyStepObserver;
import dev.forkpoint.analytics.store.EntropyStatsWriter;
import dev.forkpoint.analytics.store.SampleRetention;
import dev.forkpoint.analytics.store.StoringEntropySink;
import dev.forkpoint.analytics.stream.EntropyStream;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Opens one {@link EntropyStepObserver} per run: a bounded {@link EntropyStream} whose consumer summarises and
 * stores into the service's database. The producer's waits on a full queue are recorded in the Micrometer timer
 * {@code forkpoint.analytics.wait} (Prometheus {@code forkpoint_analytics_wait_seconds}, tagged {@code run}).
 *
 * <p>Properties: {@code forkpoint.analytics.enabled} (default true), {@code forkpoint.analytics.queue-capacity}
 * (batches, default 8: four steps of two phases), {@code forkpoint.analytics.keep-sample-steps} (sampled sequences
 * of the last N steps kept per run, default 200; 0 keeps all).
 */
@Component
public class EntropyAnalytics {

    private final DataSource dataSource;
    private final MeterRegistry registry;
    private final boolean enabled;
    private final int capacity;
    private final int keepSampleSteps;

    public EntropyAnalytics(DataSource dataSource, MeterRegistry registry,
                            @Value("${forkpoint.analytics.enabled:true}") boolean enabled,
                            @Value("${forkpoint.analytics.queue-capacity:8}") int capacity,
                            @Value("${forkpoint.analytics.keep-sample-steps:200}") int keepSampleSteps) {
        if (capacity < 1) {
            throw new IllegalArgumentException("forkpoint.analytics.queue-capacity = " + capacity + ": must be >= 1");
        }
        if (keepSampleSteps < 0) {
            throw new IllegalArgumentException("forkpoint.analytics.keep-sample-steps = " + keepSampleSteps
                    + ": must be >= 0 (0 keeps all)");
        }
        this.dataSource = dataSource;
        this.registry = registry;
        this.enabled = enabled;
        this.capacity = capacity;
        this.keepSampleSteps = keepSampleSteps;
    }

    public boolean enabled() {
        return enabled;
    }

    /** A fresh observer for {@code runId}; the caller closes it (that drains and writes what is queued). */
    public EntropyStepObserver open(long runId) {
        Timer wait = Timer.builder("forkpoint.analytics.wait").tag("run", Long.toString(runId))
                .description("time the trainer waited on the full entropy-analytics queue").register(registry);
        SampleRetention retention = keepSampleSteps == 0 ? SampleRetention.keepAll()
                : new SampleRetention(keepSampleSteps);
        EntropyStream stream = new EntropyStream(capacity, 16,
                new StoringEntropySink(new StepEntropySummarizer(), new EntropyStatsWriter(dataSource, retention)),
                nanos -> wait.record(nanos, TimeUnit.NANOSECONDS));
        return new EntropyStepObserver(runId, stream);
    }
}
