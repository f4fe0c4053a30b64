package dev.forkpoint.rollout.safetensors;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One safetensors file, read without DJL: an 8-byte little-endian header length, a JSON header (tensor name to
 * dtype, shape and data offsets, plus an optional {@code __metadata__} of strings), then the data. Tensors are read
 * through memory maps of at most {@link #CHUNK} bytes with long offsets, so files and tensors over 2 GiB work, and
 * BF16 and F16 are widened to float32 in Java (DJL's engine aborts on BF16 arrays). Every problem is a
 * {@link SafetensorsException} naming the file and the tensor.
 */
public final class SafetensorsFile implements AutoCloseable {

    /** Largest mapped region: a MappedByteBuffer is int-indexed. */
    static final long CHUNK = 1L << 30;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** Headers larger than this are refused before anything is allocated (HF's own limit is 100 MB). */
    private static final long MAX_HEADER = 100L << 20;

    /** Where a tensor's bytes are: {@code [begin, end)} relative to the data section. */
    public record Entry(String name, DType dtype, long[] shape, long begin, long end) {

        /** Elements: the product of the shape (1 for a scalar). */
        public long elements() {
            long n = 1;
            for (long d : shape) {
                n = Math.multiplyExact(n, d);
            }
            return n;
        }
    }

    private final Path path;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, Entry> entries;
    private final Map<String, String> metadata;

    private SafetensorsFile(Path path, FileChannel channel, long dataStart, Map<String, Entry> entries,
                            Map<String, String> metadata) {
        this.path = path;
        this.channel = channel;
        this.dataStart = dataStart;
        this.entries = entries;
        this.metadata = metadata;
    }

    public static SafetensorsFile open(Path path) {
        FileChannel channel;
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new SafetensorsException(path + ": cannot be opened (" + e.getMessage() + ")", e);
        }
        try {
            long size = channel.size();
            if (size < 8) {
                throw new SafetensorsException(path + ": " + size + " bytes, too short for a safetensors header");
            }
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, len, 0, path);
            long headerLength = len.getLong(0);
            if (headerLength <= 0 || headerLength > MAX_HEADER || 8 + headerLength > size) {
                throw new SafetensorsException(path + ": header length " + headerLength + " does not fit the file of "
                        + size + " bytes (truncated or not a safetensors file)");
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerLength);
            readFully(channel, header, 8, path);
            JsonNode root;
            try {
                root = JSON.readTree(new String(header.array(), StandardCharsets.UTF_8));
            } catch (JacksonException e) {
                throw new SafetensorsException(path + ": the header is not valid JSON: " + e.getOriginalMessage());
            }
            if (root == null || !root.isObject()) {
                throw new SafetensorsException(path + ": the header is not a JSON object");
            }
            long dataSize = size - 8 - headerLength;
            Map<String, Entry> entries = new LinkedHashMap<>();
            Map<String, String> metadata = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : root.properties()) {
                if (e.getKey().equals("__metadata__")) {
                    e.getValue().properties().forEach(m -> metadata.put(m.getKey(), m.getValue().asString()));
                    continue;
                }
                entries.put(e.getKey(), entry(path, e.getKey(), e.getValue(), dataSize));
            }
            return new SafetensorsFile(path, channel, 8 + headerLength, Collections.unmodifiableMap(entries),
                    Collections.unmodifiableMap(metadata));
        } catch (IOException e) {
            closeQuietly(channel);
            throw new SafetensorsException(path + ": cannot be read (" + e.getMessage() + ")", e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private static Entry entry(Path path, String name, JsonNode node, long dataSize) {
        String where = path + ": tensor '" + name + "'";
        JsonNode dtype = node.get("dtype");
        JsonNode shape = node.get("shape");
        JsonNode offsets = node.get("data_offsets");
        if (dtype == null || shape == null || !shape.isArray() || offsets == null || !offsets.isArray()
                || offsets.size() != 2) {
            throw new SafetensorsException(where + ": needs dtype, shape and data_offsets [begin, end]");
        }
        DType type = DType.of(dtype.asString(), where);
        long[] dims = new long[shape.size()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = shape.get(i).asLong();
            if (dims[i] < 0) {
                throw new SafetensorsException(where + ": negative dimension in shape " + shape);
            }
        }
        long begin = offsets.get(0).asLong();
        long end = offsets.get(1).asLong();
        Entry e = new Entry(name, type, dims, begin, end);
        long expected = Math.multiplyExact(e.elements(), type.bytes());
        if (begin < 0 || end < begin || end > dataSize) {
            throw new SafetensorsException(where + ": data_offsets [" + begin + ", " + end + "] fall outside the "
                    + dataSize + " data bytes (truncated file?)");
        }
        if (end - begin != expected) {
            throw new SafetensorsException(where + ": " + (end - begin) + " bytes for shape " + shape + " of "
                    + type + ", which needs " + expected);
        }
        return e;
    }

    public Path path() {
        return path;
    }

    /** Every tensor, in header order. */
    public Map<String, Entry> entries() {
        return entries;
    }

    /** The header's {@code __metadata__} (empty when absent). */
    public Map<String, String> metadata() {
        return metadata;
    }

    public Entry entry(String name) {
        Entry e = entries.get(name);
        if (e == null) {
            throw new SafetensorsException(path + ": no tensor '" + name + "'");
        }
        return e;
    }

    /** The tensor's raw little-endian bytes (for bit-exact copies); at most 2^31 - 1 of them. */
    public byte[] bytes(String name) {
        Entry e = entry(name);
        long n = e.end() - e.begin();
        if (n > Integer.MAX_VALUE - 8) {
            throw new SafetensorsException(path + ": tensor '" + name + "' has " + n + " bytes, too many for one array");
        }
        byte[] out = new byte[(int) n];
        forEachChunk(e, (buf, offset) -> buf.get(out, (int) offset, buf.remaining()));
        return out;
    }

    /** A floating-point tensor as float32 values, row-major; BF16 and F16 widen exactly, F64 narrows. */
    public float[] floats(String name) {
        Entry e = entry(name);
        if (!e.dtype().isFloatingPoint()) {
            throw new SafetensorsException(path + ": tensor '" + name + "' is " + e.dtype() + ", not floating point");
        }
        float[] out = new float[Math.toIntExact(e.elements())];
        int width = e.dtype().bytes();
        forEachChunk(e, (buf, offset) -> {
            int i = (int) (offset / width);
            buf.order(ByteOrder.LITTLE_ENDIAN);
            switch (e.dtype()) {
                case F32 -> buf.asFloatBuffer().get(out, i, buf.remaining() / 4);
                case BF16 -> {
                    while (buf.remaining() >= 2) {
                        out[i++] = HalfFloats.bf16ToFloat(buf.getShort());
                    }
                }
                case F16 -> {
                    while (buf.remaining() >= 2) {
                        out[i++] = HalfFloats.f16ToFloat(buf.getShort());
                    }
                }
                case F64 -> {
                    while (buf.remaining() >= 8) {
                        out[i++] = (float) buf.getDouble();
                    }
                }
                default -> throw new IllegalStateException(e.dtype().name());
            }
        });
        return out;
    }

    /** An integer tensor (I64 or I32) as longs, row-major. */
    public long[] longs(String name) {
        Entry e = entry(name);
        if (e.dtype() != DType.I64 && e.dtype() != DType.I32) {
            throw new SafetensorsException(path + ": tensor '" + name + "' is " + e.dtype() + ", not an integer type");
        }
        long[] out = new long[Math.toIntExact(e.elements())];
        int width = e.dtype().bytes();
        forEachChunk(e, (buf, offset) -> {
            int i = (int) (offset / width);
            buf.order(ByteOrder.LITTLE_ENDIAN);
            while (buf.remaining() >= width) {
                out[i++] = width == 8 ? buf.getLong() : buf.getInt();
            }
        });
        return out;
    }

    private interface ChunkReader {
        void read(MappedByteBuffer chunk, long offsetInTensor) throws IOException;
    }

    /** Maps the tensor's bytes in chunks of at most {@link #CHUNK}, each a whole number of elements. */
    private void forEachChunk(Entry e, ChunkReader reader) {
        long total = e.end() - e.begin();
        long step = CHUNK - CHUNK % e.dtype().bytes();
        try {
            for (long done = 0; done < total; done += step) {
                long n = Math.min(step, total - done);
                MappedByteBuffer buf = channel.map(FileChannel.MapMode.READ_ONLY, dataStart + e.begin() + done, n);
                reader.read(buf, done);
            }
        } catch (IOException ex) {
            throw new SafetensorsException(path + ": reading tensor '" + e.name() + "' failed (" + ex.getMessage() + ")",
                    ex);
        }
    }

    private static void readFully(FileChannel channel, ByteBuffer buf, long position, Path path) throws IOException {
        long at = position;
        while (buf.hasRemaining()) {
            int n = channel.read(buf, at);
            if (n < 0) {
                throw new SafetensorsException(path + ": ends inside its header (truncated file)");
            }
            at += n;
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // already failing
        }
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }
}
