package dev.forkpoint.trainer.analytics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkpoint.analytics.testing.GrafanaDashboards;
import dev.forkpoint.analytics.testing.PostgresTestDatabase;
import dev.forkpoint.trainer.ForkpointApplication;
import dev.forkpoint.trainer.testing.IntegrationTestBase;
import dev.forkpoint.trainer.testing.ServiceClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * A REAL training run (DJL engine, tiny 1-layer d_model 32 policy on countdown, 4 steps,
 * evaluation every 2) created over REST on its own database of the shared real PostgreSQL, then the SQL of every
 * panel and query variable of every Grafana dashboard is run against what the run stored (each must parse and
 * return rows), and the REST read side must return the stored analytics.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RealRunAnalyticsTest extends IntegrationTestBase {

    private static final int STEPS = 4;
    static final String CONFIG = """
            {"name": "analytics-real", "seed": 11, "device": "cpu",
             "model": {"layers": 1, "heads": 2, "dModel": 32, "contextLength": 48},
             "task": {"name": "countdown"}, "objective": {"preset": "GRPO"},
             "sampling": {"maxNewTokens": 12},
             "training": {"steps": %d, "promptsPerStep": 4, "groupSize": 4, "evalEvery": 2, "evalSize": 8,
                          "checkpointEvery": 10, "keepCheckpoints": 1}}""".formatted(STEPS);

    private ConfigurableApplicationContext service;
    private ServiceClient real;
    private PGSimpleDataSource db;
    private long runId;

    @BeforeAll
    void runARealTrainingRun() throws Exception {
        String url = isolatedDatabase();
        PostgresTestDatabase pg = PostgresTestDatabase.get();
        service = startDjlService(url);
        real = new ServiceClient(portOf(service), TOKEN);
        runId = real.createRun(CONFIG);
        JsonNode done = real.awaitStatus(runId, "SUCCEEDED", Duration.ofMinutes(3));
        assertEquals(STEPS, done.get("step").asInt(), done.toString());
        db = new PGSimpleDataSource();
        db.setURL(url);
        db.setUser(pg.username());
        db.setPassword(pg.password());
    }

    @AfterAll
    void stop() {
        if (service != null) {
            service.close();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyDashboardQueryReturnsRowsForTheRealRun() throws Exception {
        // The run trains on the local backend: the cluster panels are ClusterRunServiceTest's.
        List<GrafanaDashboards.Query> queries = GrafanaDashboards.queries(runId, 1).stream()
                .filter(q -> !q.clusterOnly()).toList();
        assertFalse(queries.isEmpty());
        return queries.stream().map(q -> DynamicTest.dynamicTest(q.name(),
                () -> GrafanaDashboards.assertReturnsRows(db, q)));
    }

    @Test
    void bothPhasesOfEveryStepAreStoredWithCovarianceInTheUpdatePhase() throws Exception {
        JsonNode all = real.json(ok("/entropy"));
        assertEquals(2 * STEPS, all.size(), all.toString());
        JsonNode update = real.json(ok("/entropy?phase=UPDATE&from=2&to=3"));
        assertEquals(2, update.size());
        for (JsonNode row : update) {
            assertEquals("UPDATE", row.get("key").get("phase").asString());
            JsonNode agg = row.get("aggregates");
            assertTrue(agg.get("covariance").get("count").asLong() > 0, agg.toString());
            assertEquals(agg.get("tokenCount").asLong(), agg.get("covariance").get("count").asLong());
        }
        // Downsampled for drawing: the rows of 2 steps, the first and the last, both phases.
        JsonNode drawn = real.json(ok("/entropy?maxPoints=2"));
        assertEquals(4, drawn.size(), drawn.toString());
        assertEquals(List.of(1L, 1L, (long) STEPS, (long) STEPS),
                drawn.valueStream().map(r -> r.get("key").get("step").asLong()).sorted().toList());
        assertEquals(all.get(0), real.json(ok("/entropy?maxPoints=2&phase=" + all.get(0).get("key").get("phase")
                .asString())).get(0), "real rows, not means");
        long tokens = jdbcLong("SELECT sum(tokens_sampled) FROM run_steps WHERE run_id = " + runId);
        long counted = jdbcLong("SELECT sum(token_count) FROM entropy_step_stats WHERE run_id = " + runId
                + " AND phase = 'ROLLOUT'");
        assertEquals(tokens, counted, "every sampled token is summarised in the ROLLOUT phase");
    }

    @Test
    void forkingTokensSamplesAndTheLawAreServed() {
        JsonNode tokens = real.json(ok("/forking-tokens?k=5"));
        assertTrue(tokens.size() > 0 && tokens.size() <= 5, tokens.toString());
        JsonNode samples = real.json(ok("/samples?phase=ROLLOUT&limit=3"));
        assertEquals(3, samples.get("items").size(), samples.toString());
        assertTrue(samples.get("total").asLong() >= 3);
        JsonNode law = real.json(ok("/entropy-law?n=3"));
        assertEquals(law.get("b").asDouble() - law.get("a").asDouble(), law.get("ceiling").asDouble(), 1e-9);
        assertEquals(3, law.get("fitPoints").asInt());
        assertEquals(STEPS - 3, law.get("heldOutPoints").asInt());
    }

    @Test
    void badParametersAreProblemsNamingTheParameterAndUnknownRunsAre404() {
        HttpResponse<String> tooFew = real.get("/api/v1/runs/" + runId + "/entropy-law?n=1");
        assertEquals(400, tooFew.statusCode());
        assertTrue(tooFew.body().contains("\"n\""), tooFew.body());
        HttpResponse<String> range = real.get("/api/v1/runs/" + runId + "/entropy?from=5&to=2");
        assertEquals(400, range.statusCode());
        assertTrue(range.body().contains("\"to\""), range.body());
        HttpResponse<String> points = real.get("/api/v1/runs/" + runId + "/entropy?maxPoints=1");
        assertEquals(400, points.statusCode());
        assertTrue(points.body().contains("\"maxPoints\""), points.body());
        HttpResponse<String> phase = real.get("/api/v1/runs/" + runId + "/samples?phase=BOTH");
        assertEquals(400, phase.statusCode());
        assertTrue(phase.body().contains("phase"), phase.body());
        assertEquals(404, real.get("/api/v1/runs/999999/entropy").statusCode());
        assertEquals(404, real.get("/api/v1/runs/999999/entropy-law?n=3").statusCode());
    }

    @Test
    void theQueueWaitTimerIsExported() {
        HttpResponse<String> prom = real.get("/actuator/prometheus");
        assertEquals(200, prom.statusCode());
        assertTrue(prom.body().contains("forkpoint_analytics_wait_seconds_count{run=\"" + runId + "\"}"),
                "timer missing from /actuator/prometheus");
    }

    /** Every metric a Prometheus panel queries is in the service's scrape output for this run. */
    @Test
    void everyPrometheusPanelMetricIsExportedForTheRun() throws Exception {
        String scrape = real.get("/actuator/prometheus").body();
        var metrics = GrafanaDashboards.prometheusMetrics();
        assertFalse(metrics.isEmpty(), "no Prometheus panels");
        for (var e : metrics.entrySet()) {
            if (GrafanaDashboards.isClusterPanel(e.getKey())) {
                continue; // a local run has no cluster series: ClusterRunServiceTest checks them
            }
            for (String name : e.getValue()) {
                assertTrue(scrape.contains(name + "{") && scrape.contains("run=\"" + runId + "\""),
                        e.getKey() + ": " + name + " not exported at /actuator/prometheus");
            }
        }
    }

    private HttpResponse<String> ok(String path) {
        HttpResponse<String> r = real.get("/api/v1/runs/" + runId + path);
        assertEquals(200, r.statusCode(), path + ": " + r.body());
        return r;
    }

    private long jdbcLong(String sql) throws Exception {
        try (var c = db.getConnection(); var s = c.createStatement(); var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
