package dev.forkpoint.trainer.analytics;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkpoint.analytics.testing.PostgresTestDatabase;
import dev.forkpoint.trainer.testing.IntegrationTestBase;
import dev.forkpoint.trainer.testing.ServiceClient;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * No statistic is dropped silently: when the analytics cannot be written (here its table is gone after start-up), the
 * real run fails with the reason instead of succeeding without its statistics.
 */
class AnalyticsFailureFailsTheRunTest extends IntegrationTestBase {

    @Test
    void aRunWhoseAnalyticsCannotBeWrittenFailsWithTheReason() throws Exception {
        String url = isolatedDatabase();
        try (ConfigurableApplicationContext service = startDjlService(url)) {
            PostgresTestDatabase pg = PostgresTestDatabase.get();
            try (Connection c = java.sql.DriverManager.getConnection(url, pg.username(), pg.password());
                 Statement s = c.createStatement()) {
                s.execute("ALTER TABLE entropy_step_stats RENAME TO entropy_step_stats_moved");
            }
            ServiceClient real = new ServiceClient(portOf(service), TOKEN);
            long id = real.createRun(RealRunAnalyticsTest.CONFIG);
            JsonNode failed = real.awaitStatus(id, "FAILED", Duration.ofMinutes(2));
            String reason = failed.get("errorReason").asString();
            assertTrue(reason.contains("entropy analytics sink failed") && reason.contains("entropy_step_stats"),
                    reason);
        }
    }
}
