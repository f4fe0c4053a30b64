package dev.forkpoint.rollout.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file format: what is written reads back exactly, and broken files are refused with their name. */
class SafetensorsTest {

    @Test
    void writtenTensorsReadBackExactlyWithMetadataFirstAndAnAlignedHeader(@TempDir Path dir) throws Exception {
        float[] w = {1.5f, -0.0f, Float.MIN_VALUE, 3.4e38f, -7.25f, 0.1f};
        float[] b = {0.1f, 0.2f, 0.3f};
        Path file = dir.resolve("t.safetensors");
        SafetensorsWriter.write(file, List.of(
                SafetensorsWriter.Tensor.ofFloats("w", new long[] {2, 3}, w, DType.F32),
                SafetensorsWriter.Tensor.ofFloats("b", new long[] {3}, b, DType.BF16),
                SafetensorsWriter.Tensor.ofFloats("h", new long[] {3}, b, DType.F16)), Map.of("source", "test"));
        byte[] raw = Files.readAllBytes(file);
        long headerLength = ByteBuffer.wrap(raw, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, (8 + headerLength) % 8, "data starts 8-byte aligned");
        String header = new String(raw, 8, (int) headerLength, StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{\"__metadata__\":{\"format\":\"pt\""), header);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertEquals(List.of("w", "b", "h"), List.copyOf(f.entries().keySet()));
            assertEquals(Map.of("format", "pt", "source", "test"), f.metadata());
            assertArrayEquals(new long[] {2, 3}, f.entry("w").shape());
            float[] back = f.floats("w");
            for (int i = 0; i < w.length; i++) {
                assertEquals(Float.floatToRawIntBits(w[i]), Float.floatToRawIntBits(back[i]), "w[" + i + "]");
            }
            float[] bf = f.floats("b");
            for (int i = 0; i < b.length; i++) {
                assertEquals(HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(b[i])), bf[i]);
            }
            assertEquals(DType.F16, f.entry("h").dtype());
            assertEquals(0.1f, f.floats("h")[0], 1e-4f);
        }
    }

    @Test
    void rawBytesCopyBitForBit(@TempDir Path dir) throws Exception {
        byte[] bf16 = {1, 2, 3, 4, (byte) 0xff, 0x7f};
        Path a = dir.resolve("a.safetensors");
        SafetensorsWriter.write(a, List.of(new SafetensorsWriter.Tensor("x", DType.BF16, new long[] {3}, bf16)),
                Map.of());
        Path b = dir.resolve("b.safetensors");
        try (SafetensorsFile f = SafetensorsFile.open(a)) {
            SafetensorsWriter.write(b, List.of(new SafetensorsWriter.Tensor("x", DType.BF16, new long[] {3},
                    f.bytes("x"))), Map.of());
        }
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
    }

    @Test
    void brokenFilesAreRefusedNamingTheFileAndTheProblem(@TempDir Path dir) throws Exception {
        Path good = dir.resolve("good.safetensors");
        SafetensorsWriter.write(good, List.of(SafetensorsWriter.Tensor.ofFloats("w", new long[] {4},
                new float[] {1, 2, 3, 4}, DType.F32)), Map.of());
        byte[] raw = Files.readAllBytes(good);

        Path truncated = dir.resolve("truncated.safetensors");
        Files.write(truncated, Arrays.copyOf(raw, raw.length - 4));
        assertMessage(truncated, "truncated.safetensors", "fall outside");

        Path shortHeader = dir.resolve("short.safetensors");
        Files.write(shortHeader, Arrays.copyOf(raw, 20));
        assertMessage(shortHeader, "short.safetensors", "header length");

        Path tiny = dir.resolve("tiny.safetensors");
        Files.write(tiny, new byte[] {1, 2});
        assertMessage(tiny, "tiny.safetensors", "too short");

        Path badDtype = dir.resolve("dtype.safetensors");
        Files.write(badDtype, new String(raw, StandardCharsets.ISO_8859_1).replace("\"F32\"", "\"U32\"")
                .getBytes(StandardCharsets.ISO_8859_1));
        assertMessage(badDtype, "tensor 'w'", "dtype 'U32' is not supported");

        Path badShape = dir.resolve("shape.safetensors");
        Files.write(badShape, new String(raw, StandardCharsets.ISO_8859_1).replace("[4]", "[5]")
                .getBytes(StandardCharsets.ISO_8859_1));
        assertMessage(badShape, "tensor 'w'", "needs 20");

        assertMessage(dir.resolve("missing.safetensors"), "missing.safetensors", "cannot be opened");
    }

    private static void assertMessage(Path file, String... parts) {
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> {
            try (SafetensorsFile f = SafetensorsFile.open(file)) {
                f.floats("w");
            }
        });
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), e.getMessage() + " should mention " + p);
        }
    }
}
