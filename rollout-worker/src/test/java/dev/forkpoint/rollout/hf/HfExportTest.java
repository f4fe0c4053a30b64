package dev.forkpoint.rollout.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.forkpoint.rollout.checkpoint.PolicyCheckpoint;
import dev.forkpoint.rollout.safetensors.DType;
import dev.forkpoint.rollout.safetensors.ModelWeights;
import dev.forkpoint.rollout.safetensors.SafetensorsFile;
import dev.forkpoint.rollout.testing.HfModelFixtures;
import dev.forkpoint.rollout.tokenizer.HfTokenizerFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code forkpoint export}'s writer: one dynamic test per fixture folder, named after it, exporting the folder and a
 * checkpoint of it and comparing every tensor's name, shape, dtype and value with the source, and the text files
 * byte for byte; plus sharding and the refusals that keep a half-written directory from ever appearing.
 */
class HfExportTest {

    private static final List<String> TEXT_FILES = List.of("config.json", HfTokenizerFiles.TOKENIZER,
            HfTokenizerFiles.TOKENIZER_CONFIG, HfTokenizerFiles.GENERATION_CONFIG);

    @TestFactory
    Stream<DynamicTest> everyFixtureExportsExactly(@TempDir Path dir) {
        return HfModelFixtures.folders().stream().map(src -> DynamicTest.dynamicTest(src.getFileName().toString(),
                src.toUri(), () -> {
                    String name = src.getFileName().toString();
                    HfExport.Result f32 = HfExport.fromDirectory(src, dir.resolve(name + "-f32"), DType.F32,
                            HfExport.DEFAULT_MAX_SHARD_BYTES);
                    assertSameModel(src, f32.directory(), DType.F32);
                    assertTrue(f32.files().contains("model.safetensors"), f32.files().toString());

                    // A checkpoint of the model exports the same directory.
                    Path ckpt = dir.resolve(name + ".fpckpt");
                    try (HfModelDirectory.Loaded hf = HfModelDirectory.load(src, Device.cpu(), 32, false)) {
                        PolicyCheckpoint.save(ckpt, hf.policy(), hf.tokenizer());
                    }
                    HfExport.Result fromCkpt = HfExport.fromCheckpoint(ckpt, dir.resolve(name + "-ckpt"), DType.F32,
                            HfExport.DEFAULT_MAX_SHARD_BYTES);
                    assertSameModel(src, fromCkpt.directory(), DType.F32);

                    if (sourceDtype(src) == DType.BF16) {
                        HfExport.Result bf16 = HfExport.fromDirectory(src, dir.resolve(name + "-bf16"), DType.BF16,
                                HfExport.DEFAULT_MAX_SHARD_BYTES);
                        assertSameModel(src, bf16.directory(), DType.BF16);
                        try (ModelWeights a = ModelWeights.open(src); ModelWeights b = ModelWeights.open(bf16.directory())) {
                            for (String t : b.names()) {
                                assertArrayEquals(a.bytes(t), b.bytes(t), t + ": BF16 of BF16 is bit-identical");
                            }
                        }
                    }
                }));
    }

    /** Same tensor names and shapes as the source's parameters, values equal as float32, text files verbatim. */
    static void assertSameModel(Path src, Path out, DType dtype) throws IOException {
        HfConfig config = HfConfig.read(src);
        Map<String, long[]> shapes = HfDecoder.parameterShapes(config);
        try (ModelWeights a = ModelWeights.open(src); ModelWeights b = ModelWeights.open(out)) {
            assertEquals(List.copyOf(shapes.keySet()), b.names(), "tensor names, in order");
            for (String t : b.names()) {
                SafetensorsFile.Entry e = b.entry(t);
                assertArrayEquals(a.entry(t).shape(), e.shape(), t + " shape");
                assertEquals(dtype, e.dtype(), t + " dtype");
                if (dtype == DType.F32 || a.entry(t).dtype() == DType.BF16) {
                    assertArrayEquals(a.floats(t), b.floats(t), t + " values");
                }
            }
            for (SafetensorsFile f : b.files()) {
                assertEquals("pt", f.metadata().get("format"), f.path() + " __metadata__.format");
            }
        }
        for (String file : TEXT_FILES) {
            if (Files.exists(src.resolve(file))) {
                assertEquals(Files.readString(src.resolve(file)), Files.readString(out.resolve(file)), file);
            }
        }
    }

    private static DType sourceDtype(Path src) {
        try (ModelWeights w = ModelWeights.open(src)) {
            return w.entry(w.names().get(0)).dtype();
        }
    }

    @Test
    void pastTheShardLimitTheWeightsAreShardedWithAnIndex(@TempDir Path dir) throws IOException {
        Path src = HfModelFixtures.folders().get(0);
        HfExport.Result r = HfExport.fromDirectory(src, dir.resolve("sharded"), DType.F32, 40_000);
        assertTrue(r.files().contains(ModelWeights.INDEX), r.files().toString());
        long shards = r.files().stream().filter(f -> f.matches("model-\\d{5}-of-\\d{5}\\.safetensors")).count();
        assertTrue(shards > 1, r.files().toString());
        assertFalse(r.files().contains(ModelWeights.SINGLE));
        JsonNode index = JsonMapper.builder().build().readTree(r.directory().resolve(ModelWeights.INDEX).toFile());
        assertEquals(r.bytes(), index.get("metadata").get("total_size").asLong());
        assertEquals(r.tensors(), index.get("weight_map").size());
        assertSameModel(src, r.directory(), DType.F32);
    }

    /**
     * The exported directory and its files get the permissions any directory or file the user creates gets (the
     * umask), not the owner-only ones of Java's temp files: a model served from another account or container must
     * be able to read it.
     */
    @Test
    void theExportIsAsReadableAsAnyFileTheUserCreates(@TempDir Path dir) throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(dir.getFileSystem().supportedFileAttributeViews()
                .contains("posix"), "no POSIX permissions on this file system");
        Path probeDir = Files.createDirectory(dir.resolve("probe"));
        Path probeFile = Files.createFile(dir.resolve("probe.txt"));
        HfExport.Result r = HfExport.fromDirectory(HfModelFixtures.folders().get(0), dir.resolve("out"), DType.F32,
                HfExport.DEFAULT_MAX_SHARD_BYTES);
        assertEquals(Files.getPosixFilePermissions(probeDir), Files.getPosixFilePermissions(r.directory()));
        for (String f : r.files()) {
            assertEquals(Files.getPosixFilePermissions(probeFile), Files.getPosixFilePermissions(
                    r.directory().resolve(f)), f);
        }
    }

    @Test
    void aNonEmptyTargetIsRefusedAndAFailedExportLeavesNothing(@TempDir Path dir) throws IOException {
        Path src = HfModelFixtures.folders().get(0);
        Path taken = Files.createDirectories(dir.resolve("taken"));
        Files.writeString(taken.resolve("keep.txt"), "mine");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HfExport.fromDirectory(src, taken, DType.F32, HfExport.DEFAULT_MAX_SHARD_BYTES));
        assertTrue(e.getMessage().contains("exists and is not empty"), e.getMessage());
        assertEquals("mine", Files.readString(taken.resolve("keep.txt")));

        HfConfig config = HfConfig.read(src);
        Map<String, float[]> partialValues = new HashMap<>();
        try (ModelWeights w = ModelWeights.open(src)) {
            partialValues.put(w.names().get(0), w.floats(w.names().get(0)));
        }
        Path out = dir.resolve("never");
        assertThrows(IllegalArgumentException.class, () -> HfExport.write(config, partialValues,
                HfTokenizerFiles.read(src), out, DType.F32, HfExport.DEFAULT_MAX_SHARD_BYTES));
        assertFalse(Files.exists(out), "no target after a failed export");
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of("taken"), s.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no partial directory left behind");
        }
        IllegalArgumentException builtin = assertThrows(IllegalArgumentException.class,
                () -> HfExport.export(dir.resolve("missing.fpckpt"), dir.resolve("x"), DType.F32, 1));
        assertTrue(builtin.getMessage().contains("no such checkpoint file or model directory"), builtin.getMessage());
    }
}
