package dev.forkpoint.trainer.metrics;

import dev.forkpoint.trainer.testing.IntegrationTestBase;
import dev.forkpoint.trainer.testing.ServiceClient;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import java.time.Duration;

import static dev.forkpoint.trainer.testing.ServiceClient.fakeRun;

/**
 * The running service with {@code forkpoint.metrics.ended-run-retention=2s}: a run's series are on
 * {@code /actuator/prometheus} while it trains and leave the scrape after it ends; the default retention is in
 * {@code RunLifecycleTest}, whose finished run is still scraped.
 */
class EndedRunMetricsRemovalTest extends IntegrationTestBase {

    @Test
    void aFinishedRunsSeriesLeaveTheScrapeAfterTheRetention() throws Exception {
        try (ConfigurableApplicationContext service = startService(isolatedDatabase(), tempDirectory("forkpoint-metrics"),
                "forkpoint.metrics.ended-run-retention=2s")) {
            ServiceClient api = new ServiceClient(portOf(service), TOKEN);
            long id = api.createRun(fakeRun("metrics-retention", 6, 6, 250, null));
            String series = "forkpoint_run_step{run=\"" + id + "\"}";
            ServiceClient.await(() -> api.get("/actuator/prometheus").body().contains(series), Duration.ofSeconds(30),
                    () -> series + " never appeared while the run trained");
            api.awaitStatus(id, "SUCCEEDED", Duration.ofSeconds(60));
            ServiceClient.await(() -> !api.get("/actuator/prometheus").body().contains("run=\"" + id + "\""),
                    Duration.ofSeconds(30), () -> "run " + id + "'s series are still scraped 30 s after it ended");
        }
    }
}
