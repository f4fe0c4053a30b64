package dev.forkpoint.rollout.checkpoint;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.forkpoint.rollout.hf.HfConfig;
import dev.forkpoint.rollout.hf.HfDecoder;
import dev.forkpoint.rollout.hf.LoraSpec;
import dev.forkpoint.rollout.policy.DecoderTransformer;
import dev.forkpoint.rollout.policy.ModelConfig;
import dev.forkpoint.rollout.policy.Policy;
import dev.forkpoint.rollout.tokenizer.BuiltinTokenizer;
import dev.forkpoint.rollout.tokenizer.HfTokenizerFiles;
import dev.forkpoint.rollout.tokenizer.HuggingFaceTokenizerAdapter;
import dev.forkpoint.rollout.tokenizer.Tokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One checkpoint file holding a policy's parameters and architecture (the built-in {@link DecoderTransformer}'s
 * {@link ModelConfig}, or a Hugging Face model's config.json verbatim), its tokenizer (the kind, plus a Hugging Face
 * model's tokenizer files verbatim) and optional extra named arrays and string metadata (e.g. the optimiser state and
 * data cursor of a training run).
 *
 * <p>Layout: 8-byte magic {@code FPCKPT01}, the SHA-256 of the payload (32 bytes), then the payload: a JSON
 * manifest (length-prefixed), the tokenizer.json bytes (length-prefixed, empty for the built-in tokenizer), and
 * every array's raw little-endian data in manifest order. The file is streamed (no size limit besides the disk)
 * and written atomically by {@link AtomicFileWriter}; the checksum is verified before anything is parsed, so a
 * corrupted or truncated file is rejected instead of loading wrong weights.
 */
public final class PolicyCheckpoint {

    private static final byte[] MAGIC = "FPCKPT01".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER = MAGIC.length + 32;
    /** Bytes moved per read or write: bounds the buffers, whatever the array's size. */
    private static final int CHUNK = 1 << 24;
    private static final String BUILTIN = "builtin";
    private static final String HUGGINGFACE = "huggingface";
    /** The array group of a LoRA model's frozen base weights. */
    private static final String BASE = "base";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private PolicyCheckpoint() {}

    /**
     * What a checkpoint holds. Closing it closes the policy and a HuggingFace tokenizer; extras belong to the
     * manager passed to {@link #load}.
     */
    public record Loaded(Policy policy, Tokenizer tokenizer, Map<String, NDArray> extras,
                         Map<String, String> metadata) implements AutoCloseable {
        @Override
        public void close() {
            policy.close();
            if (tokenizer instanceof HuggingFaceTokenizerAdapter hf) {
                hf.close();
            }
        }
    }

    public static void save(Path file, Policy policy, Tokenizer tokenizer) {
        save(file, policy, tokenizer, Map.of(), Map.of());
    }

    /**
     * @param extras   further arrays (float32 or int64) stored under their names, e.g. {@code AdamW.state()}
     * @param metadata free-form strings (run id, step, data cursor)
     */
    public static void save(Path file, Policy policy, Tokenizer tokenizer, Map<String, NDArray> extras,
                            Map<String, String> metadata) {
        if (tokenizer.vocabSize() > policy.vocabSize()) {
            throw new IllegalArgumentException("tokenizer has " + tokenizer.vocabSize() + " ids but model.vocabSize = "
                    + policy.vocabSize());
        }
        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("format", 1);
        manifest.set("model", modelNode(policy));
        manifest.set("tokenizer", tokenizerNode(tokenizer));
        byte[] tokenizerBytes = tokenizerBytes(tokenizer);
        ObjectNode meta = manifest.putObject("metadata");
        metadata.forEach(meta::put);

        // The manifest lists every array before any data is written, so an unsupported one fails the save early.
        ArrayNode arrays = manifest.putArray("arrays");
        List<NDArray> order = new ArrayList<>();
        for (Map.Entry<String, NDArray> e : policy.parameters().entrySet()) {
            describe(arrays, "parameters", e.getKey(), e.getValue());
            order.add(e.getValue());
        }
        if (policy instanceof HfDecoder hf && hf.lora() != null) {
            // The frozen base travels with its adapters, so resume and export need nothing but this file.
            for (Map.Entry<String, NDArray> e : hf.baseParameters().entrySet()) {
                describe(arrays, BASE, e.getKey(), e.getValue());
                order.add(e.getValue());
            }
        }
        for (Map.Entry<String, NDArray> e : extras.entrySet()) {
            describe(arrays, "extras", e.getKey(), e.getValue());
            order.add(e.getValue());
        }
        byte[] manifestBytes = JSON.writeValueAsBytes(manifest);
        try {
            AtomicFileWriter.write(file, ch -> {
                MessageDigest digest = CheckpointFiles.newDigest();
                AtomicFileWriter.writeFully(ch, ByteBuffer.wrap(MAGIC));
                AtomicFileWriter.writeFully(ch, ByteBuffer.allocate(32));
                writeDigested(ch, digest, ByteBuffer.allocate(4).putInt(manifestBytes.length).flip());
                writeDigested(ch, digest, ByteBuffer.wrap(manifestBytes));
                writeDigested(ch, digest, ByteBuffer.allocate(4).putInt(tokenizerBytes.length).flip());
                writeDigested(ch, digest, ByteBuffer.wrap(tokenizerBytes));
                for (NDArray a : order) {
                    writeArray(ch, digest, a);
                }
                ByteBuffer sum = ByteBuffer.wrap(digest.digest());
                long at = MAGIC.length;
                while (sum.hasRemaining()) {
                    at += ch.write(sum, at);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + file, e);
        }
    }

    /** Loads the policy (trainable parameters) on {@code device}; extras, if any, are not read. */
    public static Loaded load(Path file, Device device) {
        return load(file, device, null);
    }

    /** Loads everything; extras are created on {@code extrasManager} (null: skip them). */
    public static Loaded load(Path file, Device device, NDManager extrasManager) {
        Contents c = read(file, extrasManager);
        Tokenizer tokenizer = tokenizer(c.tokenizer(), c.tokenizerBytes(), file);
        try {
            Policy policy = policy(c.model(), c.parameters(), c.base(), device, file);
            return new Loaded(policy, tokenizer, c.extras(), c.metadata());
        } catch (RuntimeException e) {
            if (tokenizer instanceof HuggingFaceTokenizerAdapter hf) {
                hf.close();
            }
            throw e;
        }
    }

    /**
     * A checkpoint of a Hugging Face model as plain values, without building the model (for an export): its
     * config.json and tokenizer files verbatim and every weight's values by its Hugging Face name, LoRA adapters
     * merged into the weights they adapt.
     *
     * @param config     the source's config.json text
     * @param parameters values by tensor name, in the checkpoint's order (adapters merged)
     * @param tokenizer  the tokenizer, generation config and chat template files
     * @param metadata   the checkpoint's metadata (run step, task, ...)
     */
    public record HfContents(String config, Map<String, float[]> parameters, HfTokenizerFiles tokenizer,
                             Map<String, String> metadata) {}

    /** Reads a checkpoint of a Hugging Face model; one of the built-in model is refused with what it is. */
    public static HfContents readHuggingFace(Path file) {
        Contents c = read(file, null);
        String kind = c.model().path("kind").asString(BUILTIN);
        if (!kind.equals(HUGGINGFACE)) {
            throw new IllegalArgumentException("checkpoint " + file + ": holds the " + kind + " model, which has no "
                    + "Hugging Face form; only runs with model.path (or from such a checkpoint) export");
        }
        JsonNode t = c.tokenizer();
        String configJson = c.model().path("config").asString();
        LoraSpec lora = lora(c.model());
        Map<String, float[]> weights = lora == null ? c.parameters()
                : lora.merge(HfConfig.parse(configJson, "checkpoint " + file + ": config.json"), c.base(), c.parameters());
        return new HfContents(configJson, weights, new HfTokenizerFiles(
                new String(c.tokenizerBytes(), StandardCharsets.UTF_8), text(t, "tokenizerConfig"),
                text(t, "generationConfig"), text(t, "chatTemplate")), c.metadata());
    }

    /** A checkpoint's sections, verified and parsed; parameters as host arrays. */
    private record Contents(JsonNode model, JsonNode tokenizer, byte[] tokenizerBytes,
                            Map<String, float[]> parameters, Map<String, float[]> base, Map<String, NDArray> extras,
                            Map<String, String> metadata) {}

    private static Contents read(Path file, NDManager extrasManager) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            verify(file, ch);
            ch.position(HEADER);
            JsonNode manifest = JSON.readTree(bytes(ch, readInt(ch)));
            byte[] tokenizerBytes = bytes(ch, readInt(ch));
            Map<String, float[]> parameters = new LinkedHashMap<>();
            Map<String, float[]> base = new LinkedHashMap<>();
            Map<String, NDArray> extras = new LinkedHashMap<>();
            for (JsonNode a : manifest.path("arrays")) {
                String name = a.path("name").asString();
                long[] dims = new long[a.path("shape").size()];
                for (int i = 0; i < dims.length; i++) {
                    dims[i] = a.path("shape").get(i).asLong();
                }
                Shape shape = new Shape(dims);
                String dtype = a.path("dtype").asString();
                String group = a.path("group").asString();
                boolean isParameter = group.equals("parameters") || group.equals(BASE);
                int n = Math.toIntExact(shape.size());
                if (dtype.equals("float32")) {
                    if (isParameter || extrasManager != null) {
                        float[] v = new float[n];
                        readFloats(ch, v);
                        if (isParameter) {
                            (group.equals(BASE) ? base : parameters).put(name, v);
                        } else {
                            extras.put(name, extrasManager.create(v, shape));
                        }
                    } else {
                        ch.position(ch.position() + 4L * n);
                    }
                } else if (dtype.equals("int64")) {
                    if (extrasManager != null && !isParameter) {
                        long[] v = new long[n];
                        readLongs(ch, v);
                        extras.put(name, extrasManager.create(v, shape));
                    } else {
                        ch.position(ch.position() + 8L * n);
                    }
                } else {
                    throw new IllegalArgumentException("checkpoint " + file + ": array '" + name + "' has dtype "
                            + dtype);
                }
            }
            Map<String, String> metadata = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : manifest.path("metadata").properties()) {
                metadata.put(e.getKey(), e.getValue().asString());
            }
            return new Contents(manifest.path("model"), manifest.path("tokenizer"), tokenizerBytes, parameters, base,
                    extras, metadata);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read checkpoint " + file, e);
        }
    }

    /** The architecture a checkpoint's policy is rebuilt from. */
    private static ObjectNode modelNode(Policy policy) {
        ObjectNode model = JSON.createObjectNode();
        if (policy instanceof DecoderTransformer d) {
            ModelConfig c = d.config();
            model.put("kind", BUILTIN);
            model.put("vocabSize", c.vocabSize());
            model.put("layers", c.layers());
            model.put("heads", c.heads());
            model.put("dModel", c.dModel());
            model.put("contextLength", c.contextLength());
            model.put("mlpRatio", c.mlpRatio());
        } else if (policy instanceof HfDecoder hf) {
            model.put("kind", HUGGINGFACE);
            model.put("config", hf.hfConfig().json());
            model.put("contextLength", hf.contextLength());
            if (hf.lora() != null) {
                ObjectNode lora = model.putObject("lora");
                lora.put("rank", hf.lora().rank());
                lora.put("alpha", hf.lora().alpha());
                lora.put("dropout", hf.lora().dropout());
                hf.lora().targets().forEach(lora.putArray("targets")::add);
            }
        } else {
            throw new IllegalArgumentException("policy " + policy.getClass().getName()
                    + " cannot be stored in a checkpoint");
        }
        return model;
    }

    /** Checkpoints written before Hugging Face models carry no kind: those are the built-in model. */
    private static LoraSpec lora(JsonNode model) {
        JsonNode l = model.get("lora");
        if (l == null || l.isNull()) {
            return null;
        }
        List<String> targets = new ArrayList<>();
        l.path("targets").forEach(t -> targets.add(t.asString()));
        return new LoraSpec(l.path("rank").asInt(), l.path("alpha").asDouble(), l.path("dropout").asDouble(0.0),
                targets);
    }

    private static Policy policy(JsonNode m, Map<String, float[]> parameters, Map<String, float[]> base,
                                 Device device, Path file) {
        String kind = m.path("kind").asString(BUILTIN);
        return switch (kind) {
            case BUILTIN -> DecoderTransformer.fromValues(new ModelConfig(m.path("vocabSize").asInt(),
                    m.path("layers").asInt(), m.path("heads").asInt(), m.path("dModel").asInt(),
                    m.path("contextLength").asInt(), m.path("mlpRatio").asInt()), parameters, device, true);
            case HUGGINGFACE -> {
                HfConfig config = HfConfig.parse(m.path("config").asString(), "checkpoint " + file + ": config.json");
                int context = m.path("contextLength").asInt();
                LoraSpec lora = lora(m);
                yield lora == null ? HfDecoder.fromValues(config, parameters, device, true, context)
                        : HfDecoder.withAdapters(config, base, lora, parameters, 0, device, true, context);
            }
            default -> throw new IllegalArgumentException("checkpoint " + file + ": model kind '" + kind
                    + "' is not builtin or huggingface");
        };
    }

    private static ObjectNode tokenizerNode(Tokenizer tokenizer) {
        ObjectNode tok = JSON.createObjectNode();
        tok.put("kind", tokenizer.kind());
        tok.put("padId", tokenizer.padId());
        tok.put("bosId", tokenizer.bosId());
        tok.put("eosId", tokenizer.eosId());
        if (tokenizer instanceof HuggingFaceTokenizerAdapter hf) {
            HfTokenizerFiles f = hf.files();
            tok.put("tokenizerConfig", f.tokenizerConfig());
            tok.put("generationConfig", f.generationConfig());
            tok.put("chatTemplate", f.chatTemplate());
        }
        return tok;
    }

    private static Tokenizer tokenizer(JsonNode t, byte[] bytes, Path file) {
        String kind = t.path("kind").asString();
        return switch (kind) {
            case BUILTIN -> new BuiltinTokenizer();
            case HUGGINGFACE -> HuggingFaceTokenizerAdapter.fromFiles(new HfTokenizerFiles(
                    new String(bytes, StandardCharsets.UTF_8), text(t, "tokenizerConfig"),
                    text(t, "generationConfig"), text(t, "chatTemplate")), "checkpoint " + file);
            default -> throw new IllegalArgumentException("checkpoint " + file + ": tokenizer kind '" + kind
                    + "' is not builtin or huggingface");
        };
    }

    private static String text(JsonNode node, String key) {
        JsonNode v = node.get(key);
        return v == null || v.isNull() ? null : v.asString();
    }

    private static byte[] tokenizerBytes(Tokenizer tokenizer) {
        if (tokenizer instanceof HuggingFaceTokenizerAdapter hf) {
            return hf.files().tokenizerJson().getBytes(StandardCharsets.UTF_8);
        }
        if (tokenizer instanceof BuiltinTokenizer) {
            return new byte[0];
        }
        throw new IllegalArgumentException("tokenizer " + tokenizer.getClass().getName() + " (kind "
                + tokenizer.kind() + ") cannot be stored in a checkpoint");
    }

    private static void describe(ArrayNode arrays, String group, String name, NDArray array) {
        ObjectNode a = arrays.addObject();
        a.put("group", group);
        a.put("name", name);
        ArrayNode shape = a.putArray("shape");
        for (long d : array.getShape().getShape()) {
            shape.add(d);
        }
        if (array.getDataType() == DataType.INT64) {
            a.put("dtype", "int64");
        } else if (array.getDataType() == DataType.FLOAT32) {
            a.put("dtype", "float32");
        } else {
            throw new IllegalArgumentException("array '" + name + "' has dtype " + array.getDataType()
                    + ": checkpoints store float32 and int64");
        }
    }

    private static void writeArray(FileChannel ch, MessageDigest digest, NDArray array) throws IOException {
        if (array.getDataType() == DataType.INT64) {
            long[] v = array.toLongArray();
            for (int from = 0; from < v.length; from += CHUNK / 8) {
                int n = Math.min(CHUNK / 8, v.length - from);
                ByteBuffer buf = ByteBuffer.allocate(8 * n).order(ByteOrder.LITTLE_ENDIAN);
                buf.asLongBuffer().put(v, from, n);
                writeDigested(ch, digest, buf);
            }
        } else {
            float[] v = array.toFloatArray();
            for (int from = 0; from < v.length; from += CHUNK / 4) {
                int n = Math.min(CHUNK / 4, v.length - from);
                ByteBuffer buf = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
                buf.asFloatBuffer().put(v, from, n);
                writeDigested(ch, digest, buf);
            }
        }
    }

    private static void writeDigested(FileChannel ch, MessageDigest digest, ByteBuffer buf) throws IOException {
        digest.update(buf.duplicate());
        AtomicFileWriter.writeFully(ch, buf);
    }

    /** Checks the magic and the payload's SHA-256, streaming the file once. */
    private static void verify(Path file, FileChannel ch) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(HEADER);
        while (header.hasRemaining() && ch.read(header) >= 0) {
            // read the whole header or reach the end
        }
        byte[] h = header.array();
        if (header.hasRemaining() || !Arrays.equals(Arrays.copyOf(h, MAGIC.length), MAGIC)) {
            throw new IllegalArgumentException("checkpoint " + file + ": not a Forkpoint checkpoint (bad magic)");
        }
        byte[] stored = Arrays.copyOfRange(h, MAGIC.length, HEADER);
        MessageDigest digest = CheckpointFiles.newDigest();
        ByteBuffer buf = ByteBuffer.allocate(CHUNK);
        while (ch.read(buf) >= 0) {
            buf.flip();
            digest.update(buf);
            buf.clear();
        }
        byte[] actual = digest.digest();
        if (!MessageDigest.isEqual(stored, actual)) {
            throw new IllegalStateException("checkpoint " + file + ": SHA-256 mismatch (stored "
                    + HexFormat.of().formatHex(stored) + ", computed " + HexFormat.of().formatHex(actual)
                    + "): the file is corrupted or truncated");
        }
    }

    private static int readInt(FileChannel ch) throws IOException {
        return ByteBuffer.wrap(bytes(ch, 4)).getInt();
    }

    private static byte[] bytes(FileChannel ch, int n) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(n);
        readFully(ch, buf);
        return buf.array();
    }

    private static void readFloats(FileChannel ch, float[] v) throws IOException {
        for (int from = 0; from < v.length; from += CHUNK / 4) {
            int n = Math.min(CHUNK / 4, v.length - from);
            ByteBuffer buf = ByteBuffer.allocate(4 * n);
            readFully(ch, buf);
            buf.flip().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v, from, n);
        }
    }

    private static void readLongs(FileChannel ch, long[] v) throws IOException {
        for (int from = 0; from < v.length; from += CHUNK / 8) {
            int n = Math.min(CHUNK / 8, v.length - from);
            ByteBuffer buf = ByteBuffer.allocate(8 * n);
            readFully(ch, buf);
            buf.flip().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(v, from, n);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            if (ch.read(buf) < 0) {
                throw new IllegalStateException("checkpoint: ends early (truncated)");
            }
        }
    }
}
