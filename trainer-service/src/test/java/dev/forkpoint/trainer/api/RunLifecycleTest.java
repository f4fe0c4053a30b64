package dev.forkpoint.trainer.api;

import dev.forkpoint.trainer.testing.IntegrationTestBase;
import dev.forkpoint.trainer.testing.FakeTrainingEngine;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static dev.forkpoint.trainer.testing.ServiceClient.fakeRun;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunLifecycleTest extends IntegrationTestBase {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void runCreatedOverRestCompletesAndItsStepsAreInTheDatabase() {
        HttpResponse<String> created = client.post("/api/v1/runs", fakeRun("lifecycle", 5, 2, 0, null));
        assertEquals(201, created.statusCode(), created.body());
        long id = client.json(created).get("id").asLong();
        assertTrue(created.headers().firstValue("Location").orElseThrow().endsWith("/api/v1/runs/" + id));

        JsonNode run = client.awaitStatus(id, "SUCCEEDED", WAIT);
        assertEquals(5, run.get("step").asInt());
        assertEquals("fake-cpu", run.get("device").asString());
        assertEquals(5, run.get("latestMetrics").get("step").asInt());
        assertTrue(run.get("errorReason").isNull());

        List<Integer> steps = jdbc.sql("SELECT step FROM run_steps WHERE run_id = :id ORDER BY step")
                .param("id", id).query(Integer.class).list();
        assertEquals(List.of(1, 2, 3, 4, 5), steps);
        Double reward3 = jdbc.sql("SELECT reward FROM run_steps WHERE run_id = :id AND step = 3")
                .param("id", id).query(Double.class).single();

        JsonNode metrics = client.json(client.get("/api/v1/runs/" + id + "/metrics?from=2&to=4"));
        assertEquals(3, metrics.size());
        assertEquals(2, metrics.get(0).get("step").asInt());
        assertEquals(reward3, metrics.get(1).get("reward").asDouble());
        assertTrue(metrics.get(1).get("metrics").has("u"));

        // Downsampled for drawing: 5 steps in 2 buckets, steps 1-2 and 3-5, each the mean at its last step.
        List<Double> rewards = jdbc.sql("SELECT reward FROM run_steps WHERE run_id = :id ORDER BY step")
                .param("id", id).query(Double.class).list();
        JsonNode drawn = client.json(client.get("/api/v1/runs/" + id + "/metrics?maxPoints=2"));
        assertEquals(2, drawn.size(), drawn.toString());
        assertEquals(2, drawn.get(0).get("step").asInt());
        assertEquals(5, drawn.get(1).get("step").asInt());
        assertEquals((rewards.get(0) + rewards.get(1)) / 2, drawn.get(0).get("reward").asDouble(), 1e-12);
        assertEquals((rewards.get(2) + rewards.get(3) + rewards.get(4)) / 3, drawn.get(1).get("reward").asDouble(),
                1e-12);
        assertEquals(5, client.json(client.get("/api/v1/runs/" + id + "/metrics?maxPoints=10")).size());
    }

    @Test
    void checkpointRetentionKeepsTheLastKPlusTheBestByEvalAccuracy() {
        // eval at every 2nd step peaks at step 4; checkpoints at 2,4,6,8,10; keep 2 -> 10, 8 and best 4
        long id = client.createRun(fakeRun("retention", 10, 2, 0, "\"evalPeakStep\":4"));
        client.awaitStatus(id, "SUCCEEDED", WAIT);
        JsonNode checkpoints = client.json(client.get("/api/v1/runs/" + id + "/checkpoints"));
        assertEquals(3, checkpoints.size(), checkpoints.toString());
        assertEquals(List.of(10, 8, 4), checkpoints.valueStream().map(c -> c.get("step").asInt()).toList());
        assertEquals(List.of(false, false, true), checkpoints.valueStream().map(c -> c.get("best").asBoolean()).toList());
        for (JsonNode c : checkpoints) {
            assertTrue(Files.exists(Path.of(c.get("path").asString())), c.toString());
            assertEquals(64, c.get("sha256").asString().length());
        }
        Path dir = Path.of(checkpoints.get(0).get("path").asString()).getParent();
        assertFalse(Files.exists(dir.resolve("step-000002.ckpt")), "deleted checkpoint file still there");
        assertFalse(Files.exists(dir.resolve("step-000006.ckpt")), "deleted checkpoint file still there");
    }

    /** A run whose rollouts never differ in reward says so in its notes (and log), after 20 steps, then every 20. */
    @Test
    void aRunWithoutRewardVarianceSaysSoInItsNotes() {
        long id = client.createRun(fakeRun("no-signal", 45, 50, 0, "\"noRewardSignal\":true"));
        JsonNode run = client.awaitStatus(id, "SUCCEEDED", WAIT);
        JsonNode notes = run.get("notes");
        assertEquals(2, notes.size(), run.toString());
        assertTrue(notes.get(0).asString().startsWith("step 20: no reward variance in 20 steps (steps 1-20): every"
                + " response scored 0.000: the policy solves nothing; add a warm start"), notes.get(0).asString());
        assertTrue(notes.get(1).asString().startsWith("step 40: no reward variance in 40 steps"), notes.toString());
        long quiet = client.createRun(fakeRun("signal", 25, 50, 0, null));
        assertEquals(0, client.awaitStatus(quiet, "SUCCEEDED", WAIT).get("notes").size());
    }

    @Test
    void aStepThatThrowsFailsTheRunWithTheReasonAndResumeContinuesFromTheCheckpoint() {
        long id = client.createRun(fakeRun("fails-once", 6, 2, 0, "\"failOnceAtStep\":4"));
        JsonNode failed = client.awaitStatus(id, "FAILED", WAIT);
        assertTrue(failed.get("errorReason").asString().contains("injected failure at step 4"), failed.toString());
        assertEquals(3, failed.get("step").asInt());

        HttpResponse<String> resumed = client.post("/api/v1/runs/" + id + "/resume", null);
        assertEquals(202, resumed.statusCode(), resumed.body());
        JsonNode done = client.awaitStatus(id, "SUCCEEDED", WAIT);
        assertEquals(6, done.get("step").asInt());
        assertEquals(List.of(new FakeTrainingEngine.Open(id, -1), new FakeTrainingEngine.Open(id, 2)), engine.opensOf(id));
        assertEquals(6, jdbc.sql("SELECT count(*) FROM run_steps WHERE run_id = :id").param("id", id).query(Long.class).single());

        HttpResponse<String> again = client.post("/api/v1/runs/" + id + "/resume", null);
        assertEquals(409, again.statusCode());
        assertEquals("application/problem+json", again.headers().firstValue("Content-Type").orElseThrow().split(";")[0]);
    }

    @Test
    void cancelStopsARunningRunAtAStepBoundaryAndAQueuedRunAtOnce() {
        long running = client.createRun(fakeRun("long", 100_000, 50, 20, null));
        client.awaitStatus(running, "RUNNING", WAIT);
        long queued = client.createRun(fakeRun("waiting", 5, 5, 0, null).replace("\"seed\":7", "\"seed\":7,\"priority\":-100"));
        JsonNode waiting = client.run(queued);
        assertEquals("QUEUED", waiting.get("status").asString());
        assertNotNull(waiting.get("queuePosition").numberValue());

        HttpResponse<String> cancelQueued = client.post("/api/v1/runs/" + queued + "/cancel", null);
        assertEquals(202, cancelQueued.statusCode(), cancelQueued.body());
        assertEquals("CANCELLED", client.json(cancelQueued).get("status").asString());

        client.awaitStep(running, 3, WAIT);
        HttpResponse<String> cancel = client.post("/api/v1/runs/" + running + "/cancel", null);
        assertEquals(202, cancel.statusCode(), cancel.body());
        JsonNode cancelled = client.awaitStatus(running, "CANCELLED", WAIT);
        int step = cancelled.get("step").asInt();
        assertTrue(step >= 3 && step < 100_000, cancelled.toString());
        long rows = jdbc.sql("SELECT count(*) FROM run_steps WHERE run_id = :id").param("id", running).query(Long.class).single();
        assertEquals(step, rows);
        assertEquals(409, client.post("/api/v1/runs/" + running + "/cancel", null).statusCode());
        assertTrue(engine.opensOf(queued).isEmpty(), "a run cancelled while queued is never opened");
    }

    @Test
    void aCancelledRunResumesFromTheCheckpointWrittenAtCancelAndLosesNoStep() {
        long id = client.createRun(fakeRun("cancel-resume", 30, 100, 20, null));
        client.awaitStep(id, 5, WAIT);
        assertEquals(202, client.post("/api/v1/runs/" + id + "/cancel", null).statusCode());
        int cancelledAt = client.awaitStatus(id, "CANCELLED", WAIT).get("step").asInt();
        JsonNode checkpoints = client.json(client.get("/api/v1/runs/" + id + "/checkpoints"));
        assertEquals(cancelledAt, checkpoints.get(0).get("step").asInt(), "a checkpoint is written at the cancel boundary");

        assertEquals(202, client.post("/api/v1/runs/" + id + "/resume", null).statusCode());
        JsonNode done = client.awaitStatus(id, "SUCCEEDED", WAIT);
        assertEquals(30, done.get("step").asInt());
        assertEquals(List.of(new FakeTrainingEngine.Open(id, -1), new FakeTrainingEngine.Open(id, cancelledAt)), engine.opensOf(id));
        assertEquals(30L, jdbc.sql("SELECT count(*) FROM run_steps WHERE run_id = :id").param("id", id).query(Long.class).single());
    }

    @Test
    void listPagesAndFiltersByStatus() {
        long a = client.createRun(fakeRun("list-a", 1, 1, 0, null));
        long b = client.createRun(fakeRun("list-b", 1, 1, 0, null));
        client.awaitStatus(a, "SUCCEEDED", WAIT);
        client.awaitStatus(b, "SUCCEEDED", WAIT);
        JsonNode page = client.json(client.get("/api/v1/runs?status=SUCCEEDED&page=0&size=2"));
        assertEquals(2, page.get("items").size());
        assertEquals(b, page.get("items").get(0).get("id").asLong(), "newest first");
        assertTrue(page.get("total").asLong() >= 2);
        page.get("items").forEach(r -> assertEquals("SUCCEEDED", r.get("status").asString()));

        HttpResponse<String> bad = client.get("/api/v1/runs?status=DONE");
        assertEquals(400, bad.statusCode());
        assertEquals("status", client.json(bad).get("errors").get(0).get("field").asString());
        assertEquals(404, client.get("/api/v1/runs/999999999").statusCode());
    }

    @Test
    void presetsOpenApiHealthAndPrometheusAreServed() {
        long id = client.createRun(fakeRun("metrics", 3, 3, 0, null));
        client.awaitStatus(id, "SUCCEEDED", WAIT);

        JsonNode presets = client.json(client.get("/api/v1/presets"));
        assertEquals(9, presets.size());
        JsonNode dapo = presets.valueStream().filter(p -> p.get("name").asString().equals("DAPO")).findFirst()
                .orElseThrow();
        assertEquals(0.28, dapo.get("config").get("clipHigh").asDouble());
        assertEquals(0.28, dapo.get("overrides").get("clipHigh").asDouble());
        assertTrue(dapo.get("config").get("forking").isNull(), "a part that is off is an explicit null");
        assertTrue(dapo.get("config").get("dynamicSampling").isObject());

        HttpResponse<String> health = client.get("/actuator/health");
        assertEquals(200, health.statusCode(), health.body());
        JsonNode components = client.json(health).get("components");
        assertEquals("UP", components.get("db").get("status").asString());
        assertEquals("UP", components.get("scheduler").get("status").asString());
        assertEquals(1, components.get("scheduler").get("details").get("concurrency").asInt());

        String prometheus = client.get("/actuator/prometheus").body();
        for (String series : List.of("forkpoint_run_step{run=\"" + id + "\"} 3.0", "forkpoint_run_reward{run=\"" + id + "\"}",
                "forkpoint_run_accuracy{", "forkpoint_run_entropy_nats{", "forkpoint_run_tokens_per_second{",
                "forkpoint_run_tokens_sampled_total{run=\"" + id + "\"} 300.0", "forkpoint_run_steps_total{run=\"" + id + "\"} 3.0",
                "forkpoint_run_rollout_seconds_count{run=\"" + id + "\"} 3", "forkpoint_run_update_seconds_count{",
                "forkpoint_run_checkpoint_seconds_count{run=\"" + id + "\"} 1")) {
            assertTrue(prometheus.contains(series), "missing " + series);
        }

        HttpResponse<String> openapi = client.get("/v3/api-docs");
        assertEquals(200, openapi.statusCode(), openapi.body());
        JsonNode paths = client.json(openapi).get("paths");
        for (String path : List.of("/api/v1/runs", "/api/v1/runs/{id}", "/api/v1/runs/{id}/cancel", "/api/v1/runs/{id}/resume",
                "/api/v1/runs/{id}/metrics", "/api/v1/runs/{id}/checkpoints", "/api/v1/presets")) {
            assertTrue(paths.has(path), "OpenAPI lacks " + path);
        }
        JsonNode create = paths.get("/api/v1/runs").get("post");
        for (String code : List.of("201", "200", "400", "401", "413", "422")) {
            assertTrue(create.get("responses").has(code), "POST /api/v1/runs documents " + code);
        }
        assertEquals("#/components/schemas/Problem", create.get("responses").get("400").get("content")
                .get("application/problem+json").get("schema").get("$ref").asString());
        assertEquals("#/components/schemas/RunConfig", create.get("requestBody").get("content")
                .get("application/json").get("schema").get("$ref").asString());
        assertTrue(paths.get("/api/v1/runs/{id}/cancel").get("post").get("responses").has("409"));
        JsonNode schemas = client.json(openapi).get("components").get("schemas");
        JsonNode objective = schemas.get("Objective").get("properties");
        assertEquals(0.2, objective.get("clipHigh").get("default").asDouble());
        assertTrue(objective.get("preset").get("enum").toString().contains("KL_COV"));
        assertTrue(schemas.has("ObjectiveForking"), "each objective part has a typed schema");
        assertEquals(0.2, schemas.get("ObjectiveForking").get("properties").get("rho").get("default").asDouble());
        assertEquals(2, schemas.get("Training").get("properties").get("groupSize").get("minimum").asInt() + 1);
        assertTrue(schemas.get("Task").get("oneOf").size() >= 3, "one schema per registered task");
    }
}
