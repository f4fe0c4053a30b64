package dev.forkpoint.trainer.metrics;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * {@code forkpoint.metrics.*}.
 *
 * @param endedRunRetention how long the Micrometer meters of an ended run (SUCCEEDED, FAILED, CANCELLED) stay
 *                          registered, so that scrapes after the end still see its last values; then they are
 *                          removed, so that the scrape does not grow with every run ever trained. Default 10m
 *                          (many Prometheus scrape intervals); Postgres keeps the full history either way
 */
@ConfigurationProperties("forkpoint.metrics")
public record MetricsProperties(Duration endedRunRetention) {

    public MetricsProperties {
        endedRunRetention = endedRunRetention == null ? Duration.ofMinutes(10) : endedRunRetention;
        if (endedRunRetention.isNegative()) {
            throw new IllegalArgumentException("forkpoint.metrics.ended-run-retention = " + endedRunRetention
                    + ": must be >= 0");
        }
    }
}
