package dev.forkpoint.trainer.scheduling;

import dev.forkpoint.trainer.testing.FakeTrainingEngine;
import dev.forkpoint.trainer.testing.IntegrationTestBase;
import dev.forkpoint.trainer.testing.ServiceClient;
import dev.forkpoint.trainer.testing.ServiceProcess;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import static dev.forkpoint.trainer.testing.ServiceClient.fakeRun;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A service stopped mid-run and started again (same home, same database) resumes the run from its latest
 * checkpoint and finishes it; an interrupted run without a checkpoint is restarted or failed per
 * {@code forkpoint.recovery.without-checkpoint}, never left RUNNING. Each test owns a fresh database so no
 * other service in this JVM can take its runs.
 */
class RestartRecoveryTest extends IntegrationTestBase {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void aServiceStoppedMidRunResumesTheRunFromItsCheckpointAndFinishes() throws Exception {
        String db = isolatedDatabase();
        Path home = tempDirectory("forkpoint-restart");
        long id;
        double[] uninterrupted = referenceRewards(12);
        try (ConfigurableApplicationContext first = startService(db, home)) {
            ServiceClient api = new ServiceClient(portOf(first), TOKEN);
            id = api.createRun(fakeRun("restart", 12, 3, 40, null));
            api.awaitStep(id, 5, WAIT);
        } // closed mid-run: it stops at a step boundary, its run lease (advisory lock) goes with its connections
        JdbcClient sql = jdbcFor(db);
        assertEquals("RUNNING", sql.sql("SELECT status FROM runs WHERE id = :id").param("id", id).query(String.class).single(),
                "a stopped service leaves the run RUNNING for the next start to recover");
        int checkpointed = sql.sql("SELECT max(step) FROM checkpoints WHERE run_id = :id").param("id", id).query(Integer.class).single();
        int reached = sql.sql("SELECT current_step FROM runs WHERE id = :id").param("id", id).query(Integer.class).single();
        assertTrue(checkpointed >= 3 && checkpointed < 12 && reached < 12, "checkpoint " + checkpointed + ", step " + reached);

        try (ConfigurableApplicationContext second = startService(db, home)) {
            ServiceClient api = new ServiceClient(portOf(second), TOKEN);
            JsonNode done = api.awaitStatus(id, "SUCCEEDED", WAIT);
            assertEquals(12, done.get("step").asInt());
            assertEquals(2, done.get("attempts").asInt());
            FakeTrainingEngine engine = second.getBean(FakeTrainingEngine.class);
            assertEquals(List.of(new FakeTrainingEngine.Open(id, checkpointed)), engine.opensOf(id), "resumed from the latest checkpoint");

            List<Integer> steps = sql.sql("SELECT step FROM run_steps WHERE run_id = :id ORDER BY step").param("id", id)
                    .query(Integer.class).list();
            assertEquals(IntStream.rangeClosed(1, 12).boxed().toList(), steps, "every step once");
            // the RNG state travelled through the checkpoint: rewards equal those of an uninterrupted run
            List<Double> rewards = sql.sql("SELECT reward FROM run_steps WHERE run_id = :id ORDER BY step").param("id", id)
                    .query(Double.class).list();
            for (int s = 0; s < 12; s++) {
                assertEquals(uninterrupted[s], rewards.get(s), 0.0, "step " + (s + 1));
            }
        }
    }

    /**
     * A service stopped while a fresh run is still warm-starting (an opening of 20 s here) does not wait for it: it
     * closes within seconds, the run stays RUNNING without an error, and the next start opens it again and finishes.
     */
    @Test
    void aServiceStoppedDuringAWarmStartDoesNotWaitForItAndTheNextStartRunsItAgain() throws Exception {
        String db = isolatedDatabase();
        Path home = tempDirectory("forkpoint-warm-stop");
        long id;
        long closing;
        try (ConfigurableApplicationContext first = startService(db, home)) {
            ServiceClient api = new ServiceClient(portOf(first), TOKEN);
            id = api.createRun(fakeRun("warm-stop", 4, 2, 0, "\"openMillis\":20000"));
            api.awaitStatus(id, "RUNNING", WAIT);
            FakeTrainingEngine engine = first.getBean(FakeTrainingEngine.class);
            Thread.sleep(500);
            closing = System.nanoTime();
            first.close();
            closing = System.nanoTime() - closing;
            assertEquals(List.of(id), engine.stoppedOpenings, "the opening saw the shutdown");
        }
        assertTrue(closing < Duration.ofSeconds(10).toNanos(), "the service closed in " + closing / 1e9 + " s, "
                + "not after the 20 s warm start");
        JdbcClient sql = jdbcFor(db);
        assertEquals("RUNNING", sql.sql("SELECT status FROM runs WHERE id = :id").param("id", id).query(String.class)
                .single(), "stopped for shutdown, not failed");
        assertEquals(0, sql.sql("SELECT count(*) FROM run_steps WHERE run_id = :id").param("id", id)
                .query(Integer.class).single());
        try (ConfigurableApplicationContext second = startService(db, home)) {
            ServiceClient api = new ServiceClient(portOf(second), TOKEN);
            JsonNode done = api.awaitStatus(id, "SUCCEEDED", WAIT);
            assertEquals(4, done.get("step").asInt());
            assertTrue(done.get("errorReason").isNull(), done.toString());
        }
    }

    @Test
    void aServiceKilledWithSigkillMidRunIsResumedFromItsCheckpointByTheNextStart() throws Exception {
        String db = isolatedDatabase();
        Path home = tempDirectory("forkpoint-kill");
        var pg = dev.forkpoint.analytics.testing.PostgresTestDatabase.get();
        long id;
        try (ServiceProcess service = ServiceProcess.start(home, TOKEN, "--spring.datasource.url=" + db,
                "--spring.datasource.username=" + pg.username(), "--spring.datasource.password=" + pg.password())) {
            id = service.client.createRun(fakeRun("killed", 12, 3, 40, null));
            service.client.awaitStep(id, 5, WAIT);
            service.kill();
        }
        JdbcClient sql = jdbcFor(db);
        assertEquals("RUNNING", sql.sql("SELECT status FROM runs WHERE id = :id").param("id", id).query(String.class).single());
        int checkpointed = sql.sql("SELECT max(step) FROM checkpoints WHERE run_id = :id").param("id", id).query(Integer.class).single();

        try (ConfigurableApplicationContext restarted = startService(db, home)) {
            ServiceClient api = new ServiceClient(portOf(restarted), TOKEN);
            JsonNode done = api.awaitStatus(id, "SUCCEEDED", WAIT);
            assertEquals(12, done.get("step").asInt());
            assertEquals(List.of(new FakeTrainingEngine.Open(id, checkpointed)),
                    restarted.getBean(FakeTrainingEngine.class).opensOf(id), "resumed from the latest checkpoint");
            assertEquals(IntStream.rangeClosed(1, 12).boxed().toList(),
                    sql.sql("SELECT step FROM run_steps WHERE run_id = :id ORDER BY step").param("id", id).query(Integer.class).list());
        }
    }

    @Test
    void anInterruptedRunWithoutACheckpointIsFailedOrRestartedPerConfig() throws Exception {
        String db = isolatedDatabase();
        Path home = tempDirectory("forkpoint-orphans");
        // first start only migrates the fresh database
        startService(db, home).close();
        JdbcClient sql = jdbcFor(db);
        long toFail = insertRunning(sql, "orphan-fail");
        try (ConfigurableApplicationContext service = startService(db, home, "forkpoint.recovery.without-checkpoint=fail")) {
            ServiceClient api = new ServiceClient(portOf(service), TOKEN);
            JsonNode failed = api.awaitStatus(toFail, "FAILED", WAIT);
            assertTrue(failed.get("errorReason").asString().contains("no checkpoint"), failed.toString());
            assertTrue(service.getBean(FakeTrainingEngine.class).opensOf(toFail).isEmpty());
        }
        long toRestart = insertRunning(sql, "orphan-restart");
        try (ConfigurableApplicationContext service = startService(db, home, "forkpoint.recovery.without-checkpoint=restart")) {
            ServiceClient api = new ServiceClient(portOf(service), TOKEN);
            JsonNode done = api.awaitStatus(toRestart, "SUCCEEDED", WAIT);
            assertEquals(4, done.get("step").asInt());
            assertEquals(List.of(new FakeTrainingEngine.Open(toRestart, -1)),
                    service.getBean(FakeTrainingEngine.class).opensOf(toRestart));
            assertEquals(4L, sql.sql("SELECT count(*) FROM run_steps WHERE run_id = :id").param("id", toRestart)
                    .query(Long.class).single(), "the stale step rows of the interrupted attempt were replaced");
        }
    }

    /** A run the killed service had started: RUNNING at step 2 with step rows but no checkpoint. */
    private static long insertRunning(JdbcClient sql, String name) {
        String config = fakeRun(name, 4, 10, 0, null);
        long id = sql.sql("""
                        INSERT INTO runs (name, status, config, total_steps, current_step, started_at, attempts)
                        VALUES (:name, 'RUNNING', CAST(:config AS jsonb), 4, 2, now(), 1) RETURNING id""")
                .param("name", name).param("config", config).query(Long.class).single();
        for (int step = 1; step <= 2; step++) {
            sql.sql("INSERT INTO run_steps (run_id, step, reward) VALUES (:id, :step, -1)").param("id", id).param("step", step).update();
        }
        return id;
    }

    /** Rewards of the same config trained without interruption in the shared service. */
    private double[] referenceRewards(int steps) {
        long id = client.createRun(fakeRun("reference", steps, 3, 0, null));
        client.awaitStatus(id, "SUCCEEDED", WAIT);
        return jdbc.sql("SELECT reward FROM run_steps WHERE run_id = :id ORDER BY step").param("id", id)
                .query(Double.class).list().stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static JdbcClient jdbcFor(String url) {
        var pg = dev.forkpoint.analytics.testing.PostgresTestDatabase.get();
        var ds = new org.springframework.jdbc.datasource.DriverManagerDataSource(url, pg.username(), pg.password());
        return JdbcClient.create(ds);
    }
}
