package dev.forkpoint.trainer.api;

import dev.forkpoint.trainer.testing.IntegrationTestBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Every bad run config is refused with 400 problem+json naming the offending field, and nothing is queued. */
class InvalidConfigTest extends IntegrationTestBase {

    static Stream<Arguments> invalidConfigs() {
        return Stream.of(
                arguments("{\"training\":{\"groupSize\":0}}", "training.groupSize"),
                arguments("{\"training\":{\"groupSize\":5000}}", "training.groupSize"),
                arguments("{\"training\":{\"steps\":0}}", "training.steps"),
                arguments("{\"training\":{\"promptsPerStep\":-1}}", "training.promptsPerStep"),
                arguments("{\"training\":{\"ppoEpochs\":0}}", "training.ppoEpochs"),
                arguments("{\"training\":{\"miniBatches\":200,\"promptsPerStep\":4,\"groupSize\":8}}", "training.miniBatches"),
                arguments("{\"training\":{\"learningRate\":0}}", "training.learningRate"),
                arguments("{\"training\":{\"learningRate\":2.5}}", "training.learningRate"),
                arguments("{\"training\":{\"steps\":10,\"warmupSteps\":11}}", "training.warmupSteps"),
                arguments("{\"training\":{\"lrSchedule\":\"exponential\"}}", "training.lrSchedule"),
                arguments("{\"training\":{\"minLrRatio\":1.5}}", "training.minLrRatio"),
                arguments("{\"training\":{\"weightDecay\":-0.1}}", "training.weightDecay"),
                arguments("{\"training\":{\"gradClip\":0}}", "training.gradClip"),
                arguments("{\"training\":{\"evalEvery\":-1}}", "training.evalEvery"),
                arguments("{\"training\":{\"evalSize\":0}}", "training.evalSize"),
                arguments("{\"training\":{\"checkpointEvery\":0}}", "training.checkpointEvery"),
                arguments("{\"training\":{\"keepCheckpoints\":0}}", "training.keepCheckpoints"),
                arguments("{\"training\":{\"maxGenBatches\":0}}", "training.maxGenBatches"),
                arguments("{\"training\":{\"grupSize\":8}}", "training.grupSize"),
                arguments("{\"training\":{\"steps\":\"many\"}}", "training.steps"),
                arguments("{\"training\":{\"steps\":2.5}}", "training.steps"),
                arguments("{\"training\":{\"steps\":1e12}}", "training.steps"),
                arguments("{\"model\":{\"heads\":3,\"dModel\":128}}", "model.heads"),
                arguments("{\"model\":{\"layers\":0}}", "model.layers"),
                arguments("{\"model\":{\"contextLength\":4}}", "model.contextLength"),
                arguments("{\"model\":{\"checkpoint\":\"  \"}}", "model.checkpoint"),
                arguments("{\"model\":{\"path\":\"/nonexistent/forkpoint-model\"}}", "model.path"),
                arguments("{\"model\":{\"path\":\"/tmp\",\"checkpoint\":\"base.fpckpt\"}}", "model.path"),
                arguments("{\"model\":{\"warmStart\":{\"steps\":-1}}}", "model.warmStart.steps"),
                arguments("{\"model\":{\"warmStart\":{\"steps\":10,\"learningRate\":0}}}", "model.warmStart.learningRate"),
                arguments("{\"model\":{\"warmStart\":{\"steps\":10,\"batchSize\":0}}}", "model.warmStart.batchSize"),
                arguments("{\"model\":{\"checkpoint\":\"base.fpckpt\",\"warmStart\":{\"steps\":10}}}", "model.warmStart.steps"),
                arguments("{\"model\":{\"warmStart\":{\"stpes\":10}}}", "model.warmStart.stpes"),
                arguments("{\"sampling\":{\"temperature\":0}}", "sampling.temperature"),
                arguments("{\"sampling\":{\"topP\":1.5}}", "sampling.topP"),
                arguments("{\"sampling\":{\"tau\":-0.1}}", "sampling.tau"),
                arguments("{\"sampling\":{\"maxNewTokens\":128},\"model\":{\"contextLength\":128}}", "sampling.maxNewTokens"),
                arguments("{\"device\":\"tpu\"}", "device"),
                arguments("{\"seed\":-5}", "seed"),
                arguments("{\"priority\":1000}", "priority"),
                arguments("{\"name\":\"\"}", "name"),
                arguments("{\"name\":\"rm -rf /; echo\"}", "name"),
                arguments("{\"colour\":\"blue\"}", "colour"),
                arguments("{\"task\":\"countdown\"}", "task"),
                arguments("{\"task\":{\"numbers\":3}}", "task.name"),
                arguments("{\"objective\":{\"clip_high\":0.28}}", "objective.clip_high"),
                arguments("{\"objective\":{\"clipHigh\":-1}}", "objective.clipHigh"),
                arguments("{\"objective\":{\"preset\":\"HAPO\",\"hapo\":{\"pivot\":2}}}", "objective.hapo.pivot"),
                arguments("{\"objective\":{\"forking\":{\"rho\":0}}}", "objective.forking.rho"),
                arguments("{\"objective\":{\"loss\":\"nope\"}}", "objective.loss"),
                arguments("{\"objective\":{\"clipCov\":{\"ratio\":0.1}}}", "objective.clipCov"),
                arguments("{\"objective\":{\"dynamicSampling\":{\"maxGenBatches\":4}}}",
                        "objective.dynamicSampling.maxGenBatches"),
                arguments("{\"task\":{\"name\":\"countdown\",\"numbers\":5}}", "task.numbers"),
                arguments("{\"task\":{\"name\":\"countdown\",\"colour\":1}}", "task.colour"),
                arguments("{\"task\":{\"name\":\"nope\"}}", "task.name"),
                arguments("{\"training\":{\"groupSize\":1}}", "training.groupSize"),
                arguments("{\"training\":{\"group_size\":8}}", "training.group_size"),
                arguments("{\"objective\":{\"preset\":\"PPO2\"}}", "objective.preset"),
                arguments("{\"training\":[1,2]}", "training"),
                arguments("{\"training\":{\"steps\":10", "body"),
                arguments("", "body"));
    }

    @ParameterizedTest(name = "[{index}] {1}: {0}")
    @MethodSource("invalidConfigs")
    void invalidConfigIsRefusedNamingTheField(String body, String field) {
        long before = runCount();
        HttpResponse<String> r = client.post("/api/v1/runs", body);
        assertEquals(400, r.statusCode(), r.body());
        assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElseThrow().split(";")[0]);
        JsonNode problem = client.json(r);
        assertEquals(400, problem.get("status").asInt());
        assertTrue(problem.get("errors").valueStream().anyMatch(e -> e.get("field").asString().equals(field)),
                "errors do not name " + field + ": " + r.body());
        if (!field.equals("body")) {
            assertTrue(problem.get("detail").asString().contains(field), "detail does not name " + field + ": " + r.body());
        }
        assertEquals(before, runCount(), "an invalid config must not be queued");
    }

    @Test
    void allErrorsOfOneConfigAreReportedTogether() {
        HttpResponse<String> r = client.post("/api/v1/runs", "{\"training\":{\"groupSize\":0,\"steps\":0},\"device\":\"x\"}");
        assertEquals(400, r.statusCode());
        assertEquals(3, client.json(r).get("errors").size(), r.body());
    }

    @Test
    void aBodyOverTheSizeLimitIsRefusedWith413() {
        String padding = "x".repeat(70 * 1024);
        String body = "{\"name\":\"big\",\"task\":{\"name\":\"fake\",\"padding\":\"" + padding + "\"}}";
        HttpResponse<String> declared = client.post("/api/v1/runs", body);
        assertEquals(413, declared.statusCode(), declared.body());
        assertEquals("application/problem+json", declared.headers().firstValue("Content-Type").orElseThrow().split(";")[0]);

        // chunked: no Content-Length, so the limit is enforced while reading
        HttpRequest.Builder chunked = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/runs"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body.getBytes())));
        HttpResponse<String> streamed = client.send(chunked, TOKEN);
        assertEquals(413, streamed.statusCode(), streamed.body());
    }

    @Test
    void badQueryParametersAreNamed() {
        assertEquals("size", client.json(client.get("/api/v1/runs?size=0")).get("errors").get(0).get("field").asString());
        assertEquals("page", client.json(client.get("/api/v1/runs?page=-1")).get("errors").get(0).get("field").asString());
        assertEquals("to", client.json(client.get("/api/v1/runs/1/metrics?from=5&to=2")).get("errors").get(0).get("field").asString());
        assertEquals("maxPoints", client.json(client.get("/api/v1/runs/1/metrics?maxPoints=1")).get("errors").get(0)
                .get("field").asString());
        assertEquals("maxPoints", client.json(client.get("/api/v1/runs/1/metrics?maxPoints=10001")).get("errors")
                .get(0).get("field").asString());
    }

    private long runCount() {
        return jdbc.sql("SELECT count(*) FROM runs").query(Long.class).single();
    }
}
