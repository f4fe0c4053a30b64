package dev.forkpoint.trainer.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkpoint.rollout.testing.HfModelFixtures;
import dev.forkpoint.trainer.testing.IntegrationTestBase;
import dev.forkpoint.trainer.testing.ServiceClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * A run submitted over REST with {@code model.path} trains that Hugging Face model in the real service (DJL engine,
 * real PostgreSQL): one dynamic test per fixture folder, named after it, each a warm start and two GRPO steps that
 * succeed with a checkpoint per step and both entropy phases stored for every step.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HfModelServiceTest extends IntegrationTestBase {

    private static final int STEPS = 2;
    private ConfigurableApplicationContext service;
    private ServiceClient real;

    @BeforeAll
    void start() throws Exception {
        service = startDjlService(isolatedDatabase());
        real = new ServiceClient(portOf(service), TOKEN);
    }

    @AfterAll
    void stop() {
        if (service != null) {
            service.close();
        }
    }

    static String config(Path model) {
        return """
                {"name": "hf-%s", "seed": 2, "device": "cpu",
                 "model": {"path": "%s", "contextLength": 96, "warmStart": {"steps": 2, "batchSize": 4}},
                 "task": {"name": "countdown", "numbers": 3}, "objective": {"preset": "GRPO"},
                 "sampling": {"maxNewTokens": 10},
                 "training": {"steps": %d, "promptsPerStep": 2, "groupSize": 4, "evalEvery": 2, "evalSize": 4,
                              "checkpointEvery": 1, "keepCheckpoints": 2}}"""
                .formatted(model.getFileName(), model.toAbsolutePath().toString().replace("\\", "\\\\"), STEPS);
    }

    @TestFactory
    Stream<DynamicTest> everyFixtureTrainsThroughTheService() {
        return HfModelFixtures.folders().stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(),
                dir.toUri(), () -> {
                    long id = real.createRun(config(dir));
                    JsonNode done = real.awaitStatus(id, "SUCCEEDED", Duration.ofMinutes(3));
                    assertEquals(STEPS, done.get("step").asInt(), done.toString());
                    JsonNode checkpoints = real.json(ok(id, "/checkpoints"));
                    assertTrue(checkpoints.toString().contains("\"step\":" + STEPS), checkpoints.toString());
                    assertEquals(2 * STEPS, real.json(ok(id, "/entropy")).size(), "ROLLOUT and UPDATE of each step");
                    JsonNode samples = real.json(ok(id, "/samples?phase=ROLLOUT&limit=2"));
                    assertEquals(2, samples.get("items").size(), samples.toString());

                    // The last checkpoint exports as a Hugging Face directory; asking again returns the same one.
                    String export = "/api/v1/runs/" + id + "/checkpoints/" + STEPS + "/export?dtype=bf16";
                    HttpResponse<String> created = real.post(export, "");
                    assertEquals(201, created.statusCode(), created.body());
                    JsonNode e = real.json(created);
                    assertEquals("bf16", e.get("dtype").asString());
                    assertTrue(e.get("files").toString().contains("model.safetensors"), e.toString());
                    assertTrue(Files.exists(Path.of(e.get("path").asString()).resolve("config.json")));
                    HttpResponse<String> again = real.post(export, "");
                    assertEquals(200, again.statusCode(), again.body());
                    assertEquals(e.get("path"), real.json(again).get("path"));
                }));
    }

    @Test
    void exportRequestsThatCannotBeServedSayWhy() {
        long hf = real.createRun(config(HfModelFixtures.folders().get(0)).replace("\"name\": \"hf-", "\"name\": \"e-"));
        real.awaitStatus(hf, "SUCCEEDED", Duration.ofMinutes(3));
        assertProblem(real.post("/api/v1/runs/" + hf + "/checkpoints/99/export", ""), 404, "no retained checkpoint");
        assertProblem(real.post("/api/v1/runs/" + hf + "/checkpoints/1/export?dtype=f16", ""), 400, "dtype");
        assertProblem(real.post("/api/v1/runs/" + hf + "/checkpoints/1/export?maxShardSize=lots", ""), 400,
                "maxShardSize");
        assertProblem(real.post("/api/v1/runs/999999/checkpoints/1/export", ""), 404, "does not exist");
        long builtin = real.createRun("""
                {"name": "builtin-export", "device": "cpu", "model": {"layers": 1, "heads": 2, "dModel": 16,
                 "contextLength": 32}, "sampling": {"maxNewTokens": 8},
                 "training": {"steps": 1, "promptsPerStep": 2, "groupSize": 2, "evalEvery": 0, "checkpointEvery": 1}}""");
        real.awaitStatus(builtin, "SUCCEEDED", Duration.ofMinutes(3));
        assertProblem(real.post("/api/v1/runs/" + builtin + "/checkpoints/1/export", ""), 422,
                "no Hugging Face form");
    }

    private void assertProblem(HttpResponse<String> r, int status, String text) {
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.body().contains(text), r.body());
    }

    private HttpResponse<String> ok(long id, String path) {
        HttpResponse<String> r = real.get("/api/v1/runs/" + id + path);
        assertEquals(200, r.statusCode(), path + ": " + r.body());
        return r;
    }
}
