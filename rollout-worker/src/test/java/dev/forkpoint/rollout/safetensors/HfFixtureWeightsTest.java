package dev.forkpoint.rollout.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkpoint.rollout.testing.HfModelFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One dynamic test per Hugging Face fixture folder, named after it: every weight of the model (one file or shards)
 * reads, finite, with the embedding shape that config.json gives; written again in its own dtype it reproduces the
 * source bytes exactly (F32 and BF16 alike); the reference file's ids and logits read.
 */
class HfFixtureWeightsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path tmp;

    @TestFactory
    Stream<DynamicTest> everyFixturesWeightsReadAndRewriteExactly() {
        return HfModelFixtures.folders().stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(),
                dir.toUri(), () -> check(dir)));
    }

    private void check(Path dir) throws Exception {
        JsonNode config = JSON.readTree(dir.resolve("config.json").toFile());
        long vocab = config.get("vocab_size").asLong();
        long hidden = config.get("hidden_size").asLong();
        try (ModelWeights weights = ModelWeights.open(dir)) {
            assertFalse(weights.names().isEmpty(), dir.toString());
            assertArrayEquals(new long[] {vocab, hidden}, weights.entry("model.embed_tokens.weight").shape());
            List<SafetensorsWriter.Tensor> copy = new ArrayList<>();
            for (String name : weights.names()) {
                SafetensorsFile.Entry e = weights.entry(name);
                float[] values = weights.floats(name);
                for (float v : values) {
                    assertTrue(Float.isFinite(v), name + " has a non-finite value");
                }
                copy.add(SafetensorsWriter.Tensor.ofFloats(name, e.shape(), values, e.dtype()));
            }
            Path out = tmp.resolve(dir.getFileName() + ".safetensors");
            SafetensorsWriter.write(out, copy, Map.of());
            try (SafetensorsFile written = SafetensorsFile.open(out)) {
                for (String name : weights.names()) {
                    assertArrayEquals(weights.bytes(name), written.bytes(name),
                            name + ": widened to float32 and written back in " + weights.entry(name).dtype()
                                    + ", the bytes must be the source's");
                }
            }
        }
        try (SafetensorsFile reference = SafetensorsFile.open(dir.resolve("reference.safetensors"))) {
            long[] ids = reference.longs("input_ids");
            long[] shape = reference.entry("input_ids").shape();
            assertEquals(2, shape.length);
            assertEquals(shape[0] * shape[1], ids.length);
            assertArrayEquals(new long[] {shape[0], shape[1], vocab}, reference.entry("logits").shape());
        }
    }

    @TestFactory
    Stream<DynamicTest> aMissingShardIsNamed() throws Exception {
        List<Path> sharded = HfModelFixtures.folders().stream()
                .filter(d -> Files.exists(d.resolve(ModelWeights.INDEX))).toList();
        return sharded.stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> {
            Path copy = Files.createDirectories(tmp.resolve("missing-" + dir.getFileName()));
            Files.copy(dir.resolve(ModelWeights.INDEX), copy.resolve(ModelWeights.INDEX));
            JsonNode map = JSON.readTree(dir.resolve(ModelWeights.INDEX).toFile()).get("weight_map");
            List<String> shards = map.valueStream().map(JsonNode::asString).distinct().sorted().toList();
            for (String shard : shards.subList(0, shards.size() - 1)) {
                Files.copy(dir.resolve(shard), copy.resolve(shard));
            }
            String missing = shards.get(shards.size() - 1);
            SafetensorsException e = assertThrows(SafetensorsException.class, () -> ModelWeights.open(copy));
            assertTrue(e.getMessage().contains(missing) && e.getMessage().contains("missing"), e.getMessage());
        }));
    }
}
