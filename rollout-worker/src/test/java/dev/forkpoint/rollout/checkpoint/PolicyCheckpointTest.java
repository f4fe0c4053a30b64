package dev.forkpoint.rollout.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.forkpoint.rollout.policy.DecoderTransformer;
import dev.forkpoint.rollout.policy.ModelConfig;
import dev.forkpoint.rollout.tokenizer.BuiltinTokenizer;
import dev.forkpoint.rollout.tokenizer.HuggingFaceTokenizerAdapter;
import dev.forkpoint.rollout.tokenizer.HuggingFaceTokenizerAdapterTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyCheckpointTest {

    static final ModelConfig CONFIG = new ModelConfig(99, 2, 2, 16, 24, 4);

    static float[] logits(DecoderTransformer model) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray tokens = m.create(new long[] {0, 1, 40, 41, 19, 2, 1, 7, 8, 9, 10, 11}, new Shape(2, 6));
            NDArray mask = m.create(new float[] {0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, new Shape(2, 6));
            return model.forward(tokens, mask, null).toFloatArray();
        }
    }

    static List<String> files(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void roundTripGivesIdenticalLogitsTokenizerExtrasAndMetadata(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("step-10.fpckpt");
        try (DecoderTransformer model = DecoderTransformer.initialize(CONFIG, 3, Device.cpu());
             NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> extras = Map.of("step", m.create(new long[] {10}), "m.wte", m.ones(new Shape(2, 3)));
            PolicyCheckpoint.save(file, model, new BuiltinTokenizer(), extras, Map.of("run", "r1", "cursor", "640"));
            assertEquals(List.of("step-10.fpckpt"), files(dir), "no temporary file left behind");
            try (PolicyCheckpoint.Loaded loaded = PolicyCheckpoint.load(file, Device.cpu(), m)) {
                assertEquals(CONFIG, loaded.policy().config());
                assertArrayEquals(logits(model), logits(loaded.policy()), "logits must be identical after reload");
                assertEquals("builtin", loaded.tokenizer().kind());
                assertEquals(10L, loaded.extras().get("step").toLongArray()[0]);
                assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1}, loaded.extras().get("m.wte").toFloatArray());
                assertEquals(Map.of("run", "r1", "cursor", "640"), loaded.metadata());
                assertTrue(loaded.policy().parameters().get("wte").hasGradient(), "reloaded policy is trainable");
            }
        }
    }

    @Test
    void huggingFaceTokenizerBytesTravelWithTheCheckpoint(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("tokenizer.json");
        Files.writeString(json, HuggingFaceTokenizerAdapterTest.wordLevelJson(true));
        Path file = dir.resolve("hf.fpckpt");
        try (DecoderTransformer model = DecoderTransformer.initialize(new ModelConfig(11, 1, 1, 8, 8, 2), 3, Device.cpu());
             HuggingFaceTokenizerAdapter tok = HuggingFaceTokenizerAdapter.load(json,
                     new HuggingFaceTokenizerAdapter.SpecialIds(0, 1, 10))) {
            PolicyCheckpoint.save(file, model, tok);
            Files.delete(json);
            try (PolicyCheckpoint.Loaded loaded = PolicyCheckpoint.load(file, Device.cpu())) {
                assertEquals("huggingface", loaded.tokenizer().kind());
                assertEquals(10, loaded.tokenizer().eosId(), "configured special ids are kept");
                assertArrayEquals(tok.encode("hello world 1 + 2 = 3"), loaded.tokenizer().encode("hello world 1 + 2 = 3"));
            }
        }
    }

    @Test
    void corruptedOrTruncatedFileIsRejected(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("c.fpckpt");
        try (DecoderTransformer model = DecoderTransformer.initialize(CONFIG, 3, Device.cpu())) {
            PolicyCheckpoint.save(file, model, new BuiltinTokenizer());
        }
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(file, bytes);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> PolicyCheckpoint.load(file, Device.cpu()));
        assertTrue(e.getMessage().contains("SHA-256 mismatch") && e.getMessage().contains("corrupted or truncated"),
                e.getMessage());
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 100));
        assertThrows(IllegalStateException.class, () -> PolicyCheckpoint.load(file, Device.cpu()));
        Files.writeString(file, "hello");
        IllegalArgumentException magic = assertThrows(IllegalArgumentException.class,
                () -> PolicyCheckpoint.load(file, Device.cpu()));
        assertEquals("checkpoint " + file + ": not a Forkpoint checkpoint (bad magic)", magic.getMessage());
    }

    @Test
    void failedSaveLeavesThePreviousCheckpointAndNoTemporaryFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("latest.fpckpt");
        try (DecoderTransformer first = DecoderTransformer.initialize(CONFIG, 3, Device.cpu());
             DecoderTransformer second = DecoderTransformer.initialize(CONFIG, 4, Device.cpu());
             NDManager m = NDManager.newBaseManager()) {
            PolicyCheckpoint.save(file, first, new BuiltinTokenizer());
            NDArray unsupported = m.create(new int[] {1, 2});
            assertThrows(IllegalArgumentException.class, () -> PolicyCheckpoint.save(file, second, new BuiltinTokenizer(),
                    Map.of("bad", unsupported), Map.of()));
            assertEquals(List.of("latest.fpckpt"), files(dir));
            try (PolicyCheckpoint.Loaded loaded = PolicyCheckpoint.load(file, Device.cpu())) {
                assertArrayEquals(logits(first), logits(loaded.policy()));
            }
            PolicyCheckpoint.save(file, second, new BuiltinTokenizer());
            try (PolicyCheckpoint.Loaded loaded = PolicyCheckpoint.load(file, Device.cpu())) {
                assertArrayEquals(logits(second), logits(loaded.policy()), "a successful save replaces the file");
            }
        }
    }

    @Test
    void tokenizerWiderThanTheModelIsRejected(@TempDir Path dir) {
        try (DecoderTransformer model = DecoderTransformer.initialize(new ModelConfig(50, 1, 1, 8, 8, 2), 3, Device.cpu())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> PolicyCheckpoint.save(dir.resolve("x"), model, new BuiltinTokenizer()));
            assertEquals("tokenizer has 99 ids but model.vocabSize = 50", e.getMessage());
        }
    }
}
