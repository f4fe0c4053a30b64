package dev.forkpoint.learner.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkpoint.learner.cli.ExportCommand;
import dev.forkpoint.learner.config.ConfigDocuments;
import dev.forkpoint.learner.config.FieldError;
import dev.forkpoint.learner.config.InvalidConfigException;
import dev.forkpoint.learner.config.RunSpec;
import dev.forkpoint.rollout.hf.HfDecoder;
import dev.forkpoint.rollout.safetensors.DType;
import dev.forkpoint.rollout.safetensors.ModelWeights;
import dev.forkpoint.rollout.safetensors.SafetensorsWriter;
import dev.forkpoint.rollout.testing.HfModelFixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code model.path}: a run trains a Hugging Face model directory as it trains the built-in model. One dynamic test
 * per fixture folder, named after it: a warm start on the task's worked solutions (prompts through the model's chat
 * template), then HAPO with a KL term over two mini-batches, checkpointed after step 1 and resumed, repeats the
 * uninterrupted run's metrics and parameters exactly. Directories a run cannot load are refused when the config is
 * read, naming the file and key.
 */
class HfModelRunTest {

    static RunSpec config(Path model, int contextLength, int warmStartSteps) {
        return config(model, contextLength, warmStartSteps, "null");
    }

    static RunSpec config(Path model, int contextLength, int warmStartSteps, String lora) {
        return RunSpec.parse(ConfigDocuments.parseJson("""
                {"name": "hf", "seed": 5, "device": "cpu",
                 "model": {"path": "%s", "contextLength": %d, "lora": %s,
                           "warmStart": {"steps": %d, "batchSize": 4, "learningRate": 0.003}},
                 "task": {"name": "countdown", "numbers": 3},
                 "objective": {"preset": "HAPO", "kl": {"kind": "k3", "coef": 0.01}},
                 "sampling": {"maxNewTokens": 10},
                 "training": {"steps": 3, "promptsPerStep": 3, "groupSize": 4, "learningRate": 0.001,
                              "miniBatches": 2, "evalEvery": 0, "evalSize": 2}}
                """.formatted(model.toString().replace("\\", "\\\\"), contextLength, lora, warmStartSteps)));
    }

    @TestFactory
    Stream<DynamicTest> everyFixtureTrainsAndResumesBitIdentical(@TempDir Path dir) {
        return HfModelFixtures.folders().stream().map(src -> DynamicTest.dynamicTest(src.getFileName().toString(),
                src.toUri(), () -> trainAndResume(src, dir.resolve(src.getFileName() + ".fpckpt"), "null")));
    }

    /**
     * The same with LoRA adapters (rank 4, alpha 8, every projection; a higher learning rate so they move) and
     * adapter dropout 0.1, whose masks a resumed run must draw exactly as the uninterrupted one.
     */
    @TestFactory
    Stream<DynamicTest> everyFixtureTrainsLoraAndResumesBitIdentical(@TempDir Path dir) {
        return HfModelFixtures.folders().stream().map(src -> DynamicTest.dynamicTest(src.getFileName().toString(),
                src.toUri(), () -> trainAndResume(src, dir.resolve(src.getFileName() + "-lora.fpckpt"),
                        "{\"rank\": 4, \"alpha\": 8, \"dropout\": 0.1}")));
    }

    @TestFactory
    Stream<DynamicTest> everyFixtureWarmStartsThroughItsChatTemplate(@TempDir Path dir) {
        return HfModelFixtures.folders().stream().map(src -> DynamicTest.dynamicTest(src.getFileName().toString(),
                src.toUri(), () -> warmStartThenResume(src, dir.resolve(src.getFileName() + "-warm.fpckpt"))));
    }

    /** HAPO + KL over two mini-batches on a task a random model sometimes solves, so the updates are not zero. */
    private static void trainAndResume(Path src, Path file, String lora) {
        RunSpec c = config(src, 96, 0, lora);
        boolean adapters = !lora.equals("null");
        Map<String, float[]> initial;
        try (HfDecoder base = HfDecoder.load(src, ai.djl.Device.cpu(), false)) {
            initial = base.parameterValues();
        }
        List<Map<String, Double>> uninterrupted = new ArrayList<>();
        Map<String, float[]> finalA;
        try (RlRun run = RlRun.open(c, ScriptedTask.containsLowDigit())) {
            if (adapters) {
                assertTrue(run.policy().parameters().keySet().stream().allMatch(k -> k.contains(".lora_")),
                        "only adapters train: " + run.policy().parameters().keySet());
            } else {
                assertEquals(initial.keySet(), run.policy().parameters().keySet(), "the Hugging Face tensor names");
            }
            for (int s = 0; s < 3; s++) {
                uninterrupted.add(comparable(run.step()));
            }
            finalA = run.policy().parameterValues();
        }
        assertTrue(uninterrupted.stream().anyMatch(m -> m.get("actor/grad_norm") > 0),
                "some step must have a gradient for the comparison to mean anything: " + gradNorms(uninterrupted));
        assertTrue(uninterrupted.stream().allMatch(m -> Double.isFinite(m.get("actor/loss"))), "finite losses");
        assertTrue(finalA.values().stream().allMatch(HfModelRunTest::finite), "every parameter finite");
        if (!adapters) {
            assertTrue(finalA.keySet().stream().anyMatch(k -> !Arrays.equals(finalA.get(k), initial.get(k))),
                    "training changed the model");
        }

        List<Map<String, Double>> resumed = new ArrayList<>();
        try (RlRun first = RlRun.open(c, ScriptedTask.containsLowDigit())) {
            resumed.add(comparable(first.step()));
            first.save(file);
        }
        Map<String, float[]> finalB;
        try (RlRun second = RlRun.resume(c, ScriptedTask.containsLowDigit(), file)) {
            for (int s = 1; s < 3; s++) {
                resumed.add(comparable(second.step()));
            }
            finalB = second.policy().parameterValues();
            second.save(file.resolveSibling(file.getFileName() + ".final"));
        }
        for (int s = 0; s < 3; s++) {
            assertEquals(uninterrupted.get(s), resumed.get(s), "metrics of step " + (s + 1) + ", resumed after step 1");
        }
        for (String k : finalA.keySet()) {
            assertTrue(Arrays.equals(finalA.get(k), finalB.get(k)), "parameter " + k + " differs after resume");
        }

        // The trained checkpoint exports under the base's tensor names only, with the trained values exactly.
        Path out = file.resolveSibling(src.getFileName() + "-export");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int exit = new ExportCommand().run(new String[] {file.resolveSibling(file.getFileName() + ".final").toString(),
                out.toString()}, new PrintStream(printed), System.err);
        assertEquals(0, exit, printed.toString());
        try (ModelWeights base = ModelWeights.open(src); ModelWeights exported = ModelWeights.open(out)) {
            assertEquals(new java.util.TreeSet<>(initial.keySet()), new java.util.TreeSet<>(exported.names()));
            assertTrue(base.names().containsAll(exported.names()), "only the base's tensor names");
            if (adapters) {
                // Merged: every adapted projection moved, the rest (embeddings, norms) are the base exactly.
                assertTrue(exported.names().stream().allMatch(k -> finite(exported.floats(k))), "finite");
                assertTrue(exported.names().stream().filter(k -> k.endsWith("q_proj.weight"))
                        .allMatch(k -> !Arrays.equals(initial.get(k), exported.floats(k))), "adapters merged into q_proj");
                assertTrue(Arrays.equals(initial.get("model.embed_tokens.weight"),
                        exported.floats("model.embed_tokens.weight")), "unadapted weights unchanged");
            } else {
                for (String k : exported.names()) {
                    assertTrue(Arrays.equals(finalB.get(k), exported.floats(k)), k + ": the trained values, exactly");
                }
            }
        }
    }

    /**
     * Supervised steps on countdown's worked solutions (prompts through the chat template) change the model; the
     * KL reference is the warm-started model, stored in the checkpoint, so a resumed step equals the uninterrupted one.
     */
    private static void warmStartThenResume(Path src, Path file) {
        RunSpec c = config(src, 96, 3);
        Map<String, float[]> initial;
        try (HfDecoder base = HfDecoder.load(src, ai.djl.Device.cpu(), false)) {
            initial = base.parameterValues();
        }
        Map<String, Double> uninterruptedStep2;
        try (RlRun run = RlRun.open(c)) {
            assertEquals(3, run.warmStart().orElseThrow(() -> new AssertionError("a fresh run warm-starts")).steps());
            assertTrue(Double.isFinite(run.warmStart().get().finalLoss()));
            Map<String, float[]> warmed = run.policy().parameterValues();
            assertTrue(warmed.keySet().stream().anyMatch(k -> !Arrays.equals(warmed.get(k), initial.get(k))),
                    "the warm start changed the model");
            run.step();
            run.save(file);
            uninterruptedStep2 = comparable(run.step());
        }
        try (RlRun resumed = RlRun.resume(c, file)) {
            assertTrue(resumed.warmStart().isEmpty(), "a resumed run does not warm-start again");
            assertEquals(uninterruptedStep2, comparable(resumed.step()), "step 2 after resuming from step 1");
        }
    }

    private static List<Double> gradNorms(List<Map<String, Double>> steps) {
        return steps.stream().map(m -> m.get("actor/grad_norm")).toList();
    }

    private static boolean finite(float[] v) {
        for (float x : v) {
            if (!Float.isFinite(x)) {
                return false;
            }
        }
        return true;
    }

    private static Map<String, Double> comparable(StepReport step) {
        Map<String, Double> m = new TreeMap<>(step.metrics());
        m.keySet().removeIf(k -> k.startsWith("timing/") || k.equals("warm_start/seconds"));
        m.put("reward", step.reward());
        m.put("tokensSampled", (double) step.tokensSampled());
        return m;
    }

    // ---- directories a run cannot use ----

    private static Path fixtureCopy(Path dir) throws IOException {
        Path src = HfModelFixtures.folders().get(0);
        Path copy = Files.createDirectories(dir.resolve("model"));
        try (Stream<Path> files = Files.list(src)) {
            for (Path f : files.toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        return copy;
    }

    private static void refused(Path model, int contextLength, String... fragments) {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> config(model, contextLength, 0));
        FieldError error = e.errors().stream().filter(f -> f.field().equals("model.path")).findFirst()
                .orElseThrow(() -> new AssertionError("no model.path error in " + e.errors()));
        for (String f : fragments) {
            assertTrue(error.message().contains(f), "'" + f + "' missing from: " + error.message());
        }
    }

    private static void editConfig(Path model, Consumer<Map<String, Object>> edit) throws IOException {
        Path file = model.resolve("config.json");
        Map<String, Object> c = new java.util.LinkedHashMap<>(ConfigDocuments.parseJson(Files.readString(file)));
        edit.accept(c);
        Files.writeString(file, tools.jackson.databind.json.JsonMapper.builder().build().writeValueAsString(c));
    }

    @Test
    void loraOptionsAreChecked(@TempDir Path dir) {
        Path src = HfModelFixtures.folders().get(0);
        assertField(() -> RunSpec.parse(ConfigDocuments.parseJson("{\"model\": {\"lora\": {}}}")), "model.lora");
        assertField(() -> config(src, 96, 0, "{\"dropout\": 1}"), "model.lora.dropout");
        assertField(() -> config(src, 96, 0, "{\"dropout\": -0.1}"), "model.lora.dropout");
        assertEquals(0.05, config(src, 96, 0, "{\"dropout\": 0.05}").model().lora().spec().dropout());
        assertField(() -> config(src, 96, 0, "{\"targets\": [\"q_proj\", \"lm_head\"]}"), "model.lora.targets");
        assertField(() -> config(src, 96, 0, "{\"targets\": []}"), "model.lora.targets");
        assertField(() -> config(src, 96, 0, "{\"rank\": 0}"), "model.lora.rank");
        assertEquals(List.of("q_proj", "v_proj"), config(src, 96, 0, "{\"targets\": [\"q_proj\", \"v_proj\"]}")
                .model().lora().targets());
    }

    private static void assertField(org.junit.jupiter.api.function.Executable parse, String field) {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, parse);
        assertTrue(e.errors().stream().anyMatch(f -> f.field().equals(field)), field + " not named in " + e.errors());
    }

    @Test
    void aMissingOrPartialDirectoryIsNamed(@TempDir Path dir) throws IOException {
        refused(dir.resolve("nowhere"), 96, "nowhere", "not a directory");
        Path model = fixtureCopy(dir);
        Files.delete(model.resolve("config.json"));
        refused(model, 96, "no config.json");
        model = fixtureCopy(dir.resolve("b"));
        Files.delete(model.resolve("tokenizer.json"));
        refused(model, 96, "no tokenizer.json");
        model = fixtureCopy(dir.resolve("c"));
        try (Stream<Path> s = Files.list(model)) {
            for (Path f : s.filter(p -> p.getFileName().toString().startsWith("model")).toList()) {
                Files.delete(f);
            }
        }
        refused(model, 96, "no model.safetensors and no model.safetensors.index.json");
    }

    @Test
    void unsupportedArchitecturesAndShapesAreNamedByKey(@TempDir Path dir) throws IOException {
        Path model = fixtureCopy(dir.resolve("a"));
        editConfig(model, c -> c.put("model_type", "mistral"));
        refused(model, 96, "config.json", "model_type = mistral", "supported");
        model = fixtureCopy(dir.resolve("b"));
        editConfig(model, c -> c.put("rope_scaling", Map.of("rope_type", "yarn", "factor", 4.0)));
        refused(model, 96, "rope_type = yarn");
        model = fixtureCopy(dir.resolve("c"));
        editConfig(model, c -> c.put("intermediate_size", ((Number) c.get("intermediate_size")).intValue() * 2));
        refused(model, 96, "has shape", "config.json implies");
        model = fixtureCopy(dir.resolve("d"));
        refused(model, 30_000, "max_position_embeddings", "30000");
    }

    @Test
    void aTokenizerWiderThanTheEmbeddingIsRefused(@TempDir Path dir) throws IOException {
        Path model = fixtureCopy(dir);
        int rows = 100; // fewer than the fixture tokenizer's ids
        List<SafetensorsWriter.Tensor> tensors = new ArrayList<>();
        try (ModelWeights w = ModelWeights.open(model)) {
            for (String name : w.names()) {
                float[] v = w.floats(name);
                long[] shape = w.entry(name).shape();
                if (name.equals("model.embed_tokens.weight") || name.equals("lm_head.weight")) {
                    v = Arrays.copyOf(v, (int) (rows * shape[1]));
                    shape = new long[] {rows, shape[1]};
                }
                tensors.add(SafetensorsWriter.Tensor.ofFloats(name, shape, v, DType.F32));
            }
        }
        try (Stream<Path> s = Files.list(model)) {
            for (Path f : s.filter(p -> p.getFileName().toString().startsWith("model")).toList()) {
                Files.delete(f);
            }
        }
        SafetensorsWriter.write(model.resolve("model.safetensors"), tensors, Map.of("format", "pt"));
        editConfig(model, c -> c.put("vocab_size", rows));
        refused(model, 96, "tokenizer.json", "vocab_size = 100");
    }

    @Test
    void aShardMissingFromTheIndexIsNamed(@TempDir Path dir) throws IOException {
        // Shard the first fixture in two, as the hub does past a size limit, then lose the second shard.
        Path model = fixtureCopy(dir);
        List<SafetensorsWriter.Tensor> first = new ArrayList<>();
        List<SafetensorsWriter.Tensor> second = new ArrayList<>();
        Map<String, String> weightMap = new java.util.LinkedHashMap<>();
        try (ModelWeights w = ModelWeights.open(model)) {
            List<String> names = w.names();
            for (int i = 0; i < names.size(); i++) {
                String name = names.get(i);
                boolean early = i < names.size() / 2;
                (early ? first : second).add(SafetensorsWriter.Tensor.ofFloats(name, w.entry(name).shape(),
                        w.floats(name), DType.F32));
                weightMap.put(name, early ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors");
            }
        }
        try (Stream<Path> s = Files.list(model)) {
            for (Path f : s.filter(p -> p.getFileName().toString().startsWith("model")).toList()) {
                Files.delete(f);
            }
        }
        SafetensorsWriter.write(model.resolve("model-00001-of-00002.safetensors"), first, Map.of("format", "pt"));
        Files.writeString(model.resolve("model.safetensors.index.json"), tools.jackson.databind.json.JsonMapper
                .builder().build().writeValueAsString(Map.of("metadata", Map.of(), "weight_map", weightMap)));
        refused(model, 96, "model.safetensors.index.json", "model-00002-of-00002.safetensors", "missing");
    }
}
