package dev.forkpoint.trainer.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkpoint.learner.cli.TrainCommand;
import dev.forkpoint.trainer.testing.IntegrationTestBase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * One config path: the same document goes through both doors, {@code POST /api/v1/runs} and {@code forkpoint train}
 * (its {@code --print-config}, which parses exactly as a training run does). Both accept it, with the same canonical
 * config, or both refuse it with the same messages.
 */
class ConfigDoorsTest extends IntegrationTestBase {

    static Stream<String> documents() {
        return Stream.of(
                // accepted
                "{}",
                "{\"objective\":{\"clipHigh\":0.28}}",
                "{\"objective\":{\"preset\":\"dapo\",\"forking\":{\"rho\":0.3},\"overlong\":null}}",
                "{\"objective\":{\"preset\":\"HAPO\",\"hapo\":{\"adaptiveClip\":false},\"kl\":{}}}",
                "{\"objective\":{\"preset\":\"CLIP_COV\",\"clipCov\":{\"ratio\":0.001}}}",
                "{\"task\":{\"name\":\"arithmetic\",\"operations\":[\"add\"]},\"training\":{\"steps\":3}}",
                "{\"model\":{\"layers\":2,\"warmStart\":{\"steps\":50}},\"sampling\":{\"adaptiveTemperature\":true}}",
                // refused
                "{\"objective\":{\"clip_high\":0.28}}",
                "{\"training\":{\"groupSize\":1}}",
                "{\"training\":{\"steps\":0},\"sampling\":{\"topP\":2},\"seed\":-1}",
                "{\"objective\":{\"preset\":\"NOPE\"}}",
                "{\"objective\":{\"loss\":\"clip_cov\",\"clipC\":3}}",
                "{\"objective\":{\"steer\":{\"linear\":false,\"wMax\":1.2}}}",
                "{\"task\":{\"name\":\"countdown\",\"numbers\":9}}",
                "{\"model\":{\"contextLength\":32},\"sampling\":{\"maxNewTokens\":40}}",
                "{\"colour\":\"blue\"}");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("documents")
    void bothDoorsAgree(String document) throws Exception {
        HttpResponse<String> rest = client.post("/api/v1/runs", document);
        Path file = Files.createTempFile(HOME, "doors-", ".json");
        Files.writeString(file, document);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = new TrainCommand().run(new String[] {file.toString(), "--print-config"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        List<String> cliErrors = err.toString(StandardCharsets.UTF_8).lines().toList();
        if (rest.statusCode() == 201) {
            assertEquals(0, exit, "REST accepted, the CLI refused: " + cliErrors);
            JsonNode stored = client.json(rest).get("config");
            JsonNode printed = tools.jackson.databind.json.JsonMapper.builder().build()
                    .readTree(out.toString(StandardCharsets.UTF_8));
            assertEquals(printed, stored, "the same canonical config");
        } else {
            assertEquals(400, rest.statusCode(), rest.body());
            assertEquals(2, exit, "REST refused, the CLI accepted: " + out);
            List<String> restErrors = client.json(rest).get("errors").valueStream()
                    .map(e -> "error: " + e.get("message").asString()).toList();
            assertEquals(restErrors, cliErrors, "the same messages");
            assertTrue(!restErrors.isEmpty());
        }
    }
}
