package dev.forkpoint.rollout.safetensors;

import dev.forkpoint.rollout.checkpoint.AtomicFileWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes safetensors files as transformers and vLLM read them: a {@code __metadata__} entry first
 * (with {@code "format": "pt"}, which older transformers require), tensors in the order given, the header padded
 * with spaces to a multiple of 8 bytes, and the file written atomically (temp file, fsync, rename).
 */
public final class SafetensorsWriter {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** One tensor to write: its little-endian bytes in {@code dtype}. */
    public record Tensor(String name, DType dtype, long[] shape, byte[] data) {

        public Tensor {
            long elements = 1;
            for (long d : shape) {
                elements = Math.multiplyExact(elements, d);
            }
            if (data.length != elements * dtype.bytes()) {
                throw new IllegalArgumentException("tensor '" + name + "': " + data.length + " bytes for "
                        + elements + " elements of " + dtype);
            }
        }

        /** Float32 values encoded as {@code dtype} (F32 exactly; BF16 and F16 rounded to nearest even). */
        public static Tensor ofFloats(String name, long[] shape, float[] values, DType dtype) {
            ByteBuffer buf = ByteBuffer.allocate(values.length * dtype.bytes()).order(ByteOrder.LITTLE_ENDIAN);
            for (float v : values) {
                switch (dtype) {
                    case F32 -> buf.putFloat(v);
                    case BF16 -> buf.putShort(HalfFloats.floatToBf16(v));
                    case F16 -> buf.putShort(HalfFloats.floatToF16(v));
                    default -> throw new IllegalArgumentException("tensor '" + name + "': cannot write floats as "
                            + dtype);
                }
            }
            return new Tensor(name, dtype, shape, buf.array());
        }
    }

    private SafetensorsWriter() {
    }

    /** Writes {@code tensors} with {@code metadata} (the "format": "pt" entry is added when missing). */
    public static void write(Path file, List<Tensor> tensors, Map<String, String> metadata) {
        ObjectNode header = JSON.createObjectNode();
        ObjectNode meta = header.putObject("__metadata__");
        meta.put("format", "pt");
        metadata.forEach(meta::put);
        long offset = 0;
        List<byte[]> parts = new ArrayList<>();
        for (Tensor t : tensors) {
            if (header.has(t.name())) {
                throw new IllegalArgumentException("tensor '" + t.name() + "' given twice");
            }
            ObjectNode entry = header.putObject(t.name());
            entry.put("dtype", t.dtype().name());
            ArrayNode shape = entry.putArray("shape");
            for (long d : t.shape()) {
                shape.add(d);
            }
            entry.putArray("data_offsets").add(offset).add(offset + t.data().length);
            offset += t.data().length;
            parts.add(t.data());
        }
        byte[] json = JSON.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 8 + 7) / 8 * 8 - 8;
        byte[] head = new byte[8 + padded];
        ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
        System.arraycopy(json, 0, head, 8, json.length);
        for (int i = 8 + json.length; i < head.length; i++) {
            head[i] = ' ';
        }
        parts.add(0, head);
        try {
            AtomicFileWriter.write(file, parts.toArray(byte[][]::new));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
