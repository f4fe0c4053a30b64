package dev.forkpoint.trainer.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkpoint.rollout.cluster.WorkerProcess;
import dev.forkpoint.analytics.testing.GrafanaDashboards;
import dev.forkpoint.trainer.testing.IntegrationTestBase;
import dev.forkpoint.trainer.testing.ServiceClient;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * A run with {@code rollout.backend = cluster} submitted over REST to the real service (DJL engine, real PostgreSQL):
 * it waits for a rollout worker and says so in its notes, trains once a worker (its own JVM) joins, reports the
 * cluster's metrics per step, in Prometheus and in {@code /actuator/health}; a run that never gets enough workers
 * fails with the reason.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterRunServiceTest extends IntegrationTestBase {

    private ConfigurableApplicationContext service;
    private ServiceClient real;
    private final String cluster = "forkpoint-svc-" + UUID.randomUUID().toString().substring(0, 8);
    private int workerPort;
    private int trainerPort;

    @BeforeAll
    void start() throws Exception {
        service = startDjlService(isolatedDatabase());
        real = new ServiceClient(portOf(service), TOKEN);
        workerPort = WorkerProcess.freePort();
        trainerPort = WorkerProcess.freePort();
    }

    @AfterAll
    void stop() {
        if (service != null) {
            service.close();
        }
    }

    private String config(String name, int minWorkers, int timeout) throws Exception {
        return """
                {"name": "%s", "seed": 3, "device": "cpu",
                 "model": {"layers": 1, "heads": 2, "dModel": 16, "contextLength": 48},
                 "task": {"name": "countdown", "numbers": 3}, "sampling": {"maxNewTokens": 12},
                 "training": {"steps": 3, "promptsPerStep": 4, "groupSize": 2, "evalEvery": 0, "checkpointEvery": 3},
                 "rollout": {"backend": "cluster", "cluster": {"name": "%s", "members": "%s",
                             "port": %d, "minWorkers": %d, "shardPrompts": 2, "timeout": %d}}}"""
                .formatted(name, cluster, members(), trainerPort, minWorkers, timeout);
    }

    /** Every member's address, the trainer's included: a worker that starts after the trainer joins it directly. */
    private String members() {
        return "127.0.0.1:" + workerPort + ",127.0.0.1:" + trainerPort;
    }

    @Test
    void aClusterRunWaitsForItsWorkerThenTrainsAndReportsTheCluster() throws Exception {
        long id = real.createRun(config("cluster-run", 1, 120));
        ServiceClient.await(() -> real.run(id).get("notes").toString().contains("waiting for rollout workers"),
                Duration.ofSeconds(60), () -> "no waiting note: " + real.run(id));
        try (WorkerProcess worker = WorkerProcess.start("svc-worker", cluster, members(), workerPort)) {
            worker.awaitReady();
            ServiceClient.await(() -> real.get("/actuator/health").body().contains("1 rollout workers"),
                    Duration.ofSeconds(60), () -> "health shows no worker: " + real.get("/actuator/health").body());
            JsonNode done = real.awaitStatus(id, "SUCCEEDED", Duration.ofMinutes(2));
            assertEquals(3, done.get("step").asInt(), done.toString());
        }
        JsonNode steps = real.json(real.get("/api/v1/runs/" + id + "/metrics"));
        assertEquals(3, steps.size(), steps.toString());
        for (JsonNode s : steps) {
            JsonNode m = s.get("metrics");
            assertEquals(1.0, m.get("rollout/workers").asDouble(), s.toString());
            assertTrue(m.has("rollout/shard_retries") && m.has("rollout/weight_publish_seconds")
                    && m.get("rollout/worker_seconds_max").asDouble() > 0, s.toString());
        }
        // The dashboards' cluster panels: their SQL has rows and their series are scraped for this run.
        javax.sql.DataSource db = service.getBean(javax.sql.DataSource.class);
        int panels = 0;
        for (GrafanaDashboards.Query q : GrafanaDashboards.queries(id, 1)) {
            if (q.clusterOnly()) {
                GrafanaDashboards.assertReturnsRows(db, q);
                panels++;
            }
        }
        assertTrue(panels > 0, "no cluster panel in the dashboards");
        String prometheus = real.get("/actuator/prometheus").body();
        for (var e : GrafanaDashboards.prometheusMetrics().entrySet()) {
            if (GrafanaDashboards.isClusterPanel(e.getKey())) {
                for (String name : e.getValue()) {
                    assertTrue(prometheus.contains(name + "{run=\"" + id + "\"}"), e.getKey() + ": " + name);
                }
            }
        }
        for (String series : new String[] {"forkpoint_run_rollout_workers{run=\"" + id + "\"} 1.0",
                "forkpoint_run_rollout_shard_retries_total{run=\"" + id + "\"} 0.0",
                "forkpoint_run_rollout_weight_publish_seconds{run=\"" + id + "\"}",
                "forkpoint_run_rollout_worker_seconds_max{run=\"" + id + "\"}"}) {
            assertTrue(prometheus.contains(series), "missing " + series);
        }
    }

    @Test
    void aClusterRunWithoutEnoughWorkersFailsWithTheReason() throws Exception {
        long id = real.createRun(config("too-few-workers", 2, 3));
        JsonNode failed = real.awaitStatus(id, "FAILED", Duration.ofMinutes(2));
        String reason = failed.get("errorReason").asString();
        assertTrue(reason.contains("rollout.cluster.timeout = 3 s") && reason.contains("rollout.cluster.minWorkers = 2"),
                reason);
    }
}
