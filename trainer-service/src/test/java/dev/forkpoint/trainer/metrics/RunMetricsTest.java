package dev.forkpoint.trainer.metrics;

import dev.forkpoint.learner.run.StepReport;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunMetricsTest {

    /** A clock the test moves by hand. */
    private static final class ManualClock extends Clock {
        Instant now = Instant.parse("2026-11-28T00:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ManualClock clock = new ManualClock();
    private final RunMetrics metrics = new RunMetrics(registry, new MetricsProperties(Duration.ofMinutes(10)), clock);

    private static StepReport step(int n) {
        return new StepReport(n, 0.5, 0.5, 1.0, 0.0, 0.0, 100, 10, Duration.ofMillis(5), Duration.ofMillis(5),
                null, Map.of());
    }

    private long metersOf(long run) {
        return registry.getMeters().stream().filter(m -> Long.toString(run).equals(m.getId().getTag("run"))).count();
    }

    @Test
    void anEndedRunsMetersStayForTheRetentionThenGoWhileLiveRunsKeepTheirs() {
        metrics.step(1, step(1));
        metrics.step(2, step(1));
        // another component's meter tagged with the run (entropy analytics' queue wait) goes with it
        Timer.builder("forkpoint.analytics.wait").tag("run", "1").register(registry);
        long perRun = metersOf(2);
        assertTrue(perRun >= 10, "gauges, counters and timers of one run: " + perRun);

        metrics.ended(1);
        clock.now = clock.now.plus(Duration.ofMinutes(9));
        assertEquals(0, metrics.removeExpired());
        assertEquals(perRun + 1, metersOf(1), "still scrapeable within the retention");

        clock.now = clock.now.plus(Duration.ofMinutes(1));
        assertEquals(perRun + 1, metrics.removeExpired());
        assertEquals(0, metersOf(1));
        assertEquals(perRun, metersOf(2), "a live run keeps its meters");
        assertEquals(0, metrics.removeExpired(), "removed once");
    }

    @Test
    void aRunResumedWithinTheRetentionIsLiveAgainAndRegistersFreshMetersAfterRemoval() {
        metrics.step(3, step(1));
        metrics.ended(3);
        metrics.step(3, step(2)); // resumed
        clock.now = clock.now.plus(Duration.ofHours(1));
        assertEquals(0, metrics.removeExpired());
        assertEquals(2.0, registry.get("forkpoint.run.steps").tag("run", "3").counter().count());

        metrics.ended(3);
        clock.now = clock.now.plus(Duration.ofMinutes(10));
        assertTrue(metrics.removeExpired() > 0, "ended again, and the retention has passed");
        metrics.step(3, step(3)); // resumed after removal: new meters, counted from this process's view again
        assertNotNull(registry.find("forkpoint.run.step").tag("run", "3").gauge());
        assertEquals(3.0, registry.get("forkpoint.run.step").tag("run", "3").gauge().value());
        assertEquals(1.0, registry.get("forkpoint.run.steps").tag("run", "3").counter().count());
    }

    @Test
    void aNegativeRetentionIsRefusedByName() {
        var e = assertThrows(IllegalArgumentException.class, () -> new MetricsProperties(Duration.ofSeconds(-1)));
        assertTrue(e.getMessage().contains("forkpoint.metrics.ended-run-retention"), e.getMessage());
        assertEquals(Duration.ofMinutes(10), new MetricsProperties(null).endedRunRetention());
    }
}
