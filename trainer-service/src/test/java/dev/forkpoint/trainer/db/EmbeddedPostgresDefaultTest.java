package dev.forkpoint.trainer.db;

import dev.forkpoint.trainer.testing.IntegrationTestBase;
import dev.forkpoint.trainer.testing.ServiceClient;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static dev.forkpoint.trainer.testing.ServiceClient.fakeRun;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With no {@code spring.datasource.url} the service starts its own PostgreSQL in {@code <home>/pgdata}, and a
 * second start on the same home finds the runs of the first.
 */
class EmbeddedPostgresDefaultTest extends IntegrationTestBase {

    @Test
    void embeddedPostgresKeepsRunsAcrossRestarts() {
        Path home = tempDirectory("forkpoint-embedded");
        long id;
        try (ConfigurableApplicationContext first = startService(null, home)) {
            ServiceClient api = new ServiceClient(portOf(first), TOKEN);
            id = api.createRun(fakeRun("persisted", 2, 1, 0, null));
            api.awaitStatus(id, "SUCCEEDED", Duration.ofSeconds(60));
        }
        assertTrue(Files.exists(home.resolve("pgdata").resolve("PG_VERSION")), "data directory under forkpoint.home");
        try (ConfigurableApplicationContext second = startService(null, home)) {
            ServiceClient api = new ServiceClient(portOf(second), TOKEN);
            assertEquals("SUCCEEDED", api.status(id));
            assertEquals(2, api.json(api.get("/api/v1/runs/" + id + "/metrics")).size());
            assertEquals(200, api.get("/actuator/health").statusCode());
        }
    }
}
