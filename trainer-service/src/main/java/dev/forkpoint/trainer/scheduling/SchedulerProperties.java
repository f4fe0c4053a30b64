package dev.forkpoint.trainer.scheduling;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * {@code forkpoint.scheduler.*}.
 *
 * @param concurrency     runs trained at the same time by this process; default 1 (DJL allows one open
 *                        gradient collector per process); each running run holds one pooled
 *                        connection (its lease), so an external pool needs more than this many
 * @param pollInterval    how often the persisted queue is polled (a new run also wakes the poller); default 1s
 * @param shutdownTimeout how long shutdown waits for running steps to reach their boundary; default 60s
 */
@ConfigurationProperties("forkpoint.scheduler")
public record SchedulerProperties(Integer concurrency, Duration pollInterval, Duration shutdownTimeout) {

    public SchedulerProperties {
        concurrency = concurrency == null ? 1 : concurrency;
        pollInterval = pollInterval == null ? Duration.ofSeconds(1) : pollInterval;
        shutdownTimeout = shutdownTimeout == null ? Duration.ofSeconds(60) : shutdownTimeout;
        if (concurrency < 1) {
            throw new IllegalArgumentException("forkpoint.scheduler.concurrency = " + concurrency + ": must be >= 1");
        }
    }
}
