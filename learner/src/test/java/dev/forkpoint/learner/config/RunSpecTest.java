package dev.forkpoint.learner.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkpoint.rollout.task.countdown.CountdownConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Run config documents: YAML and JSON, defaults, canonical form, overrides, and errors that name the field. */
class RunSpecTest {

    private static List<FieldError> errors(String yaml) {
        return assertThrows(InvalidConfigException.class, () -> RunSpec.parse(ConfigDocuments.parseYaml(yaml)))
                .errors();
    }

    private static FieldError only(String yaml) {
        List<FieldError> e = errors(yaml);
        assertEquals(1, e.size(), e.toString());
        return e.get(0);
    }

    @Test
    void yamlAndJsonGiveTheSameConfig() {
        RunSpec yaml = RunSpec.parse(ConfigDocuments.parseYaml("""
                name: a
                seed: 3
                task: {name: countdown, numbers: 4}
                objective: {preset: DAPO}
                training: {steps: 5, groupSize: 4}
                """));
        RunSpec json = RunSpec.parse(ConfigDocuments.parseJson("""
                {"name": "a", "seed": 3, "task": {"name": "countdown", "numbers": 4}, "objective": {"preset": "DAPO"},
                 "training": {"steps": 5, "groupSize": 4}}"""));
        assertEquals(json, yaml);
        assertEquals(4, yaml.training().groupSize());
        assertEquals(16, yaml.training().promptsPerStep(), "defaults fill what is not given");
        assertEquals(4, ((CountdownConfig) yaml.task()).numbers());
    }

    @Test
    void anEmptyDocumentIsEveryDefault() {
        RunSpec d = RunSpec.defaults();
        assertEquals("run", d.name());
        assertEquals(0L, d.seed());
        assertEquals("countdown", d.task().name());
        assertEquals("GRPO", d.objective().preset(), "an absent objective is the GRPO preset");
        assertEquals(200, d.training().steps());
        assertEquals(128, d.model().contextLength());
        assertEquals(0, d.model().warmStart().steps());
        assertNull(d.model().checkpoint());
    }

    @Test
    void theCanonicalDocumentReadsBackEqual() {
        RunSpec spec = RunSpec.parse(ConfigDocuments.parseYaml("""
                name: round-trip
                model: {layers: 2, heads: 2, dModel: 32, contextLength: 48, warmStart: {steps: 10}}
                task: {name: arithmetic, operations: [add], maxDigits: 2}
                objective: {preset: hapo, forking: {rho: 0.3}, kl: {coef: 0.01}}
                sampling: {maxNewTokens: 16, adaptiveTemperature: true}
                training: {steps: 7, lrSchedule: cosine}
                """));
        Map<String, Object> doc = spec.toDocument();
        assertEquals(spec, RunSpec.parse(doc));
        assertEquals("HAPO", ((Map<?, ?>) doc.get("objective")).get("preset"), "the preset's canonical name");
        assertTrue(((Map<?, ?>) doc.get("objective")).containsKey("steer"), "parts that are off are explicit nulls");
        // Through JSON text, as the service stores it.
        String json = tools.jackson.databind.json.JsonMapper.builder().build().writeValueAsString(doc);
        assertEquals(spec, RunSpec.parse(ConfigDocuments.parseJson(json)));
    }

    @Test
    void setOverridesAnyFieldAndCreatesMissingSections() {
        Map<String, Object> doc = ConfigDocuments.parseYaml("training: {steps: 50}\n");
        ConfigDocuments.set(doc, "training.steps=5");
        ConfigDocuments.set(doc, "objective.preset=DAPO");
        ConfigDocuments.set(doc, "objective.forking.rho=0.3");
        ConfigDocuments.set(doc, "objective.overlong=null");
        ConfigDocuments.set(doc, "task.operations=[add, mul]");
        ConfigDocuments.set(doc, "task.name=arithmetic");
        RunSpec spec = RunSpec.parse(doc);
        assertEquals(5, spec.training().steps());
        assertEquals(0.3, spec.objective().forking().rho());
        assertNull(spec.objective().overlong());
        assertEquals("arithmetic", spec.task().name());
        InvalidConfigException bad = assertThrows(InvalidConfigException.class,
                () -> ConfigDocuments.set(new LinkedHashMap<>(), "training.steps"));
        assertTrue(bad.getMessage().contains("key.path=value"), bad.getMessage());
    }

    @Test
    void unknownKeysWrongTypesAndRangesNameTheirField() {
        FieldError unknown = only("training: {stepz: 5}\n");
        assertEquals("training.stepz", unknown.field());
        assertTrue(unknown.message().contains("steps"), unknown.message());
        assertEquals("training.steps", only("training: {steps: many}\n").field());
        assertEquals("training.steps", only("training: {steps: 0}\n").field());
        assertEquals("sampling.topP", only("sampling: {topP: 1.5}\n").field());
        assertEquals("sampling.tau", only("sampling: {tau: 1.0}\n").field(), "T_base (1 + tau h_hat) must stay > 0");
        assertEquals("name", only("name: 'a/b'\n").field());
        assertEquals("task.numbers", only("task: {name: countdown, numbers: 7}\n").field());
        assertEquals("task.name", only("task: {name: chess}\n").field());
        assertEquals("device", only("device: tpu\n").field());
        assertEquals("model.heads", only("model: {heads: 3, dModel: 128}\n").field());
        assertEquals("training.miniBatches", only("training: {promptsPerStep: 2, groupSize: 2, miniBatches: 5}\n")
                .field());
        assertEquals("sampling.maxNewTokens", only("model: {contextLength: 32}\nsampling: {maxNewTokens: 32}\n")
                .field());
        assertEquals("model.warmStart.steps", only("model: {checkpoint: base.fpckpt, warmStart: {steps: 5}}\n")
                .field());
        assertEquals("training.warmupSteps", only("training: {steps: 5, warmupSteps: 6}\n").field());
        FieldError data = only("model: {warmStart: {steps: 5, data: /nonexistent/pairs.jsonl}}\n");
        assertEquals("model.warmStart.data", data.field());
        assertEquals("model.warmStart.data = \"/nonexistent/pairs.jsonl\": file not found", data.message());
        assertEquals("model.warmStart.data", only("model: {warmStart: {data: /nonexistent/pairs.jsonl}}\n").field());
    }

    @Test
    void groupsOfOneAreRefusedForGroupRelativeAdvantages() {
        FieldError e = only("training: {groupSize: 1}\n");
        assertEquals("training.groupSize", e.field());
        assertTrue(e.message().contains("group-relative") && e.message().contains("at least 2"), e.message());
        assertEquals("training.groupSize", only("objective: {preset: HAPO}\ntraining: {groupSize: 1}\n").field());
    }

    @Test
    void snakeCaseKeysAreRefusedEverywhereWithTheNewName() {
        FieldError e = only("training: {group_size: 4}\n");
        assertEquals("training.group_size", e.field());
        assertTrue(e.message().contains("write training.groupSize"), e.message());
        assertTrue(only("objective: {clip_high: 0.28}\n").message().contains("write objective.clipHigh"));
    }

    @Test
    void everyErrorIsReportedAtOnce() {
        assertEquals(3, errors("training: {steps: 0}\nsampling: {topP: 2}\nseed: -1\n").size());
        assertEquals(2, errors("name: 'a/b'\ntraining: {steps: 0}\n").size(), "the name's pattern is a field check");
    }

    @TestFactory
    Stream<DynamicTest> everyExampleConfigIsValid() throws IOException {
        Path dir = examples();
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().matches(".*\\.(ya?ml|json)$")).sorted().toList();
        }
        assertTrue(files.size() >= 2, "examples in " + dir);
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), f.toUri(),
                () -> RunSpec.parse(fromRepositoryRoot(ConfigDocuments.read(f), dir.getParent()))));
    }

    /** Examples name files relative to the repository root, where ./forkpoint runs them; tests run elsewhere. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> fromRepositoryRoot(Map<String, Object> document, Path root) {
        for (String section : List.of("model", "task")) {
            if (document.get(section) instanceof Map<?, ?> m && m.get("path") instanceof String path
                    && !Path.of(path).isAbsolute()) {
                ((Map<String, Object>) m).put("path", root.resolve(path).toString());
            }
        }
        if (document.get("model") instanceof Map<?, ?> model && model.get("warmStart") instanceof Map<?, ?> w
                && w.get("data") instanceof String data && !Path.of(data).isAbsolute()) {
            ((Map<String, Object>) w).put("data", root.resolve(data).toString());
        }
        return document;
    }

    /** {@code examples/} of the repository, found by walking up from the working directory. */
    static Path examples() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("examples")) && Files.exists(p.resolve("pom.xml"))) {
                return p.resolve("examples");
            }
        }
        throw new IllegalStateException("no examples/ directory above " + Path.of("").toAbsolutePath());
    }
}
