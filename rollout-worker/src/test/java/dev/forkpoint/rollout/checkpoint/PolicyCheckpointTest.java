package dev.forkpoint.rollout.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.forkpoint.rollout.chat.ChatMessage;
import dev.forkpoint.rollout.hf.HfDecoder;
import dev.forkpoint.rollout.hf.HfModelDirectory;
import dev.forkpoint.rollout.policy.DecoderTransformer;
import dev.forkpoint.rollout.policy.ModelConfig;
import dev.forkpoint.rollout.policy.Policy;
import dev.forkpoint.rollout.testing.HfModelFixtures;
import dev.forkpoint.rollout.tokenizer.BuiltinTokenizer;
import dev.forkpoint.rollout.tokenizer.HuggingFaceTokenizerAdapter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

class PolicyCheckpointTest {

    static final ModelConfig CONFIG = new ModelConfig(99, 2, 2, 16, 24, 4);

    static float[] logits(Policy model) {
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
                assertEquals(CONFIG, ((DecoderTransformer) loaded.policy()).config());
                assertArrayEquals(logits(model), logits(loaded.policy()), "logits must be identical after reload");
                assertEquals("builtin", loaded.tokenizer().kind());
                assertEquals(10L, loaded.extras().get("step").toLongArray()[0]);
                assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1}, loaded.extras().get("m.wte").toFloatArray());
                assertEquals(Map.of("run", "r1", "cursor", "640"), loaded.metadata());
                assertTrue(loaded.policy().parameters().get("wte").hasGradient(), "reloaded policy is trainable");
            }
        }
    }

    /**
     * One dynamic test per Hugging Face fixture, named after it: the checkpoint holds the architecture (config.json
     * verbatim), the run's context, the tokenizer files verbatim and the weights, so the loaded policy gives the same
     * logits and the loaded tokenizer the same prompt ids and stop ids, with the model directory gone.
     */
    @TestFactory
    Stream<DynamicTest> huggingFaceModelsRoundTripWithoutTheirDirectory(@TempDir Path dir) {
        return HfModelFixtures.folders().stream().map(src -> DynamicTest.dynamicTest(src.getFileName().toString(),
                src.toUri(), () -> {
                    Path file = dir.resolve(src.getFileName() + ".fpckpt");
                    List<ChatMessage> prompt = List.of(new ChatMessage("system", "Be brief."), ChatMessage.user("2+2?"));
                    try (HfModelDirectory.Loaded hf = HfModelDirectory.load(src, Device.cpu(), 24, true)) {
                        PolicyCheckpoint.save(file, hf.policy(), hf.tokenizer(), Map.of(), Map.of("k", "v"));
                        try (PolicyCheckpoint.Loaded loaded = PolicyCheckpoint.load(file, Device.cpu())) {
                            HfDecoder back = (HfDecoder) loaded.policy();
                            assertEquals(hf.policy().hfConfig(), back.hfConfig(), "config.json kept verbatim");
                            assertEquals(24, back.contextLength());
                            assertArrayEquals(logits(hf.policy()), logits(back), "logits identical after reload");
                            HuggingFaceTokenizerAdapter tok = (HuggingFaceTokenizerAdapter) loaded.tokenizer();
                            assertEquals(hf.tokenizer().files(), tok.files(), "tokenizer files kept verbatim");
                            assertArrayEquals(hf.tokenizer().encodePrompt(prompt), tok.encodePrompt(prompt));
                            assertArrayEquals(hf.tokenizer().stopIds(), tok.stopIds());
                            assertEquals(hf.tokenizer().padId(), tok.padId());
                            assertTrue(back.parameters().values().stream().allMatch(NDArray::hasGradient),
                                    "reloaded policy is trainable");
                        }
                    }
                }));
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
