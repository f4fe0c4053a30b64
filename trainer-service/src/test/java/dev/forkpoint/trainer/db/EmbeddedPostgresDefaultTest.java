package dev.forkpoint.trainer.db;

import dev.forkpoint.trainer.testing.IntegrationTestBase;
import dev.forkpoint.trainer.testing.FakeTrainingEngine;
import dev.forkpoint.trainer.testing.ServiceClient;
import dev.forkpoint.trainer.testing.ServiceProcess;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static dev.forkpoint.trainer.testing.ServiceClient.fakeRun;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With no {@code spring.datasource.url} the service starts its own PostgreSQL in {@code <home>/pgdata}
 * (durable settings), a second start on the same home finds the runs of the first, and a server left running
 * by a killed service does not block the next start.
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
            JdbcClient sql = first.getBean(JdbcClient.class);
            assertEquals("on", sql.sql("SHOW fsync").query(String.class).single(), "a persistent cluster must fsync");
            assertEquals("on", sql.sql("SHOW synchronous_commit").query(String.class).single());
        }
        assertTrue(Files.exists(home.resolve("pgdata").resolve("PG_VERSION")), "data directory under forkpoint.home");
        assertFalse(Files.exists(home.resolve("pgdata").resolve("postmaster.pid")), "the server stopped with the service");
        try (ConfigurableApplicationContext second = startService(null, home)) {
            ServiceClient api = new ServiceClient(portOf(second), TOKEN);
            assertEquals("SUCCEEDED", api.status(id));
            assertEquals(2, api.json(api.get("/api/v1/runs/" + id + "/metrics")).size());
            assertEquals(200, api.get("/actuator/health").statusCode());
        }
    }

    @Test
    void aKilledServiceLeavesItsPostgresRunningAndTheNextStartStopsItAndResumesTheRun() throws Exception {
        Path home = tempDirectory("forkpoint-killed-embedded");
        long id;
        long orphanPid;
        try (ServiceProcess service = ServiceProcess.start(home, TOKEN)) {
            id = service.client.createRun(fakeRun("killed-embedded", 10, 3, 40, null));
            service.client.awaitStep(id, 4, Duration.ofSeconds(60));
            service.kill();
        }
        orphanPid = Long.parseLong(Files.readAllLines(home.resolve("pgdata").resolve("postmaster.pid")).get(0).strip());
        assertTrue(ProcessHandle.of(orphanPid).map(ProcessHandle::isAlive).orElse(false),
                "precondition: the killed service's postgres child outlives it");

        try (ConfigurableApplicationContext restarted = startService(null, home)) {
            assertFalse(ProcessHandle.of(orphanPid).map(ProcessHandle::isAlive).orElse(false), "stale server stopped");
            ServiceClient api = new ServiceClient(portOf(restarted), TOKEN);
            assertEquals(10, api.awaitStatus(id, "SUCCEEDED", Duration.ofSeconds(60)).get("step").asInt());
            int resumedFrom = restarted.getBean(FakeTrainingEngine.class).opensOf(id).get(0).resumedFrom();
            assertTrue(resumedFrom >= 3, "resumed from a checkpoint, not from scratch: " + resumedFrom);
            assertEquals(10, api.json(api.get("/api/v1/runs/" + id + "/metrics")).size());
        }
    }
}
