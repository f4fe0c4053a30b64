package dev.forkpoint.rollout.checkpoint;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.forkpoint.rollout.policy.DecoderTransformer;
import dev.forkpoint.rollout.policy.ModelConfig;
import dev.forkpoint.rollout.tokenizer.BuiltinTokenizer;
import dev.forkpoint.rollout.tokenizer.HuggingFaceTokenizerAdapter;
import dev.forkpoint.rollout.tokenizer.Tokenizer;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One checkpoint file holding a {@link DecoderTransformer}'s parameters, its {@link ModelConfig}, its tokenizer
 * (the kind, plus the tokenizer.json bytes for a HuggingFace one) and optional extra named arrays and string
 * metadata (e.g. the optimiser state and data cursor of a training run).
 *
 * <p>Layout: 8-byte magic {@code FPCKPT01}, the SHA-256 of the payload (32 bytes), then the payload: a JSON
 * manifest (length-prefixed), the tokenizer bytes (length-prefixed), and every array's raw little-endian data
 * in manifest order. Written atomically by {@link AtomicFileWriter}; the checksum is verified before anything
 * is parsed, so a corrupted or truncated file is rejected instead of loading wrong weights.
 */
public final class PolicyCheckpoint {

    private static final byte[] MAGIC = "FPCKPT01".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER = MAGIC.length + 32;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private PolicyCheckpoint() {}

    /**
     * What a checkpoint holds. Closing it closes the policy and a HuggingFace tokenizer; extras belong to the
     * manager passed to {@link #load}.
     */
    public record Loaded(DecoderTransformer policy, Tokenizer tokenizer, Map<String, NDArray> extras,
                         Map<String, String> metadata) implements AutoCloseable {
        @Override
        public void close() {
            policy.close();
            if (tokenizer instanceof HuggingFaceTokenizerAdapter hf) {
                hf.close();
            }
        }
    }

    public static void save(Path file, DecoderTransformer policy, Tokenizer tokenizer) {
        save(file, policy, tokenizer, Map.of(), Map.of());
    }

    /**
     * @param extras   further arrays (float32 or int64) stored under their names, e.g. {@code AdamW.state()}
     * @param metadata free-form strings (run id, step, data cursor)
     */
    public static void save(Path file, DecoderTransformer policy, Tokenizer tokenizer, Map<String, NDArray> extras,
                            Map<String, String> metadata) {
        ModelConfig c = policy.config();
        if (tokenizer.vocabSize() > c.vocabSize()) {
            throw new IllegalArgumentException("tokenizer has " + tokenizer.vocabSize() + " ids but model.vocabSize = "
                    + c.vocabSize());
        }
        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("format", 1);
        ObjectNode model = manifest.putObject("model");
        model.put("vocabSize", c.vocabSize());
        model.put("layers", c.layers());
        model.put("heads", c.heads());
        model.put("dModel", c.dModel());
        model.put("contextLength", c.contextLength());
        model.put("mlpRatio", c.mlpRatio());
        ObjectNode tok = manifest.putObject("tokenizer");
        tok.put("kind", tokenizer.kind());
        tok.put("padId", tokenizer.padId());
        tok.put("bosId", tokenizer.bosId());
        tok.put("eosId", tokenizer.eosId());
        byte[] tokenizerBytes = tokenizerBytes(tokenizer);
        ObjectNode meta = manifest.putObject("metadata");
        metadata.forEach(meta::put);

        ArrayNode arrays = manifest.putArray("arrays");
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (Map.Entry<String, NDArray> e : policy.parameters().entrySet()) {
            writeArray(arrays, data, "parameters", e.getKey(), e.getValue());
        }
        for (Map.Entry<String, NDArray> e : extras.entrySet()) {
            writeArray(arrays, data, "extras", e.getKey(), e.getValue());
        }
        try {
            ByteArrayOutputStream payload = new ByteArrayOutputStream(data.size() + tokenizerBytes.length + 4096);
            DataOutputStream out = new DataOutputStream(payload);
            byte[] manifestBytes = JSON.writeValueAsBytes(manifest);
            out.writeInt(manifestBytes.length);
            out.write(manifestBytes);
            out.writeInt(tokenizerBytes.length);
            out.write(tokenizerBytes);
            data.writeTo(out);
            out.flush();
            byte[] body = payload.toByteArray();
            AtomicFileWriter.write(file, MAGIC, sha256(body), body);
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
        byte[] all;
        try {
            all = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read checkpoint " + file, e);
        }
        if (all.length < HEADER || !Arrays.equals(Arrays.copyOf(all, MAGIC.length), MAGIC)) {
            throw new IllegalArgumentException("checkpoint " + file + ": not a Forkpoint checkpoint (bad magic)");
        }
        byte[] stored = Arrays.copyOfRange(all, MAGIC.length, HEADER);
        byte[] body = Arrays.copyOfRange(all, HEADER, all.length);
        byte[] actual = sha256(body);
        if (!MessageDigest.isEqual(stored, actual)) {
            throw new IllegalStateException("checkpoint " + file + ": SHA-256 mismatch (stored "
                    + HexFormat.of().formatHex(stored) + ", computed " + HexFormat.of().formatHex(actual)
                    + "): the file is corrupted or truncated");
        }
        ByteBuffer in = ByteBuffer.wrap(body);
        JsonNode manifest = JSON.readTree(bytes(in, in.getInt()));
        byte[] tokenizerBytes = bytes(in, in.getInt());
        JsonNode m = manifest.path("model");
        ModelConfig config = new ModelConfig(m.path("vocabSize").asInt(), m.path("layers").asInt(),
                m.path("heads").asInt(), m.path("dModel").asInt(), m.path("contextLength").asInt(),
                m.path("mlpRatio").asInt());
        Map<String, float[]> parameters = new LinkedHashMap<>();
        Map<String, NDArray> extras = new LinkedHashMap<>();
        in.order(ByteOrder.LITTLE_ENDIAN);
        for (JsonNode a : manifest.path("arrays")) {
            String name = a.path("name").asString();
            long[] dims = new long[a.path("shape").size()];
            for (int i = 0; i < dims.length; i++) {
                dims[i] = a.path("shape").get(i).asLong();
            }
            Shape shape = new Shape(dims);
            String dtype = a.path("dtype").asString();
            boolean isParameter = a.path("group").asString().equals("parameters");
            int n = Math.toIntExact(shape.size());
            if (dtype.equals("float32")) {
                float[] v = new float[n];
                in.asFloatBuffer().get(v);
                in.position(in.position() + 4 * n);
                if (isParameter) {
                    parameters.put(name, v);
                } else if (extrasManager != null) {
                    extras.put(name, extrasManager.create(v, shape));
                }
            } else if (dtype.equals("int64")) {
                long[] v = new long[n];
                in.asLongBuffer().get(v);
                in.position(in.position() + 8 * n);
                if (extrasManager != null && !isParameter) {
                    extras.put(name, extrasManager.create(v, shape));
                }
            } else {
                throw new IllegalArgumentException("checkpoint " + file + ": array '" + name + "' has dtype " + dtype);
            }
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : manifest.path("metadata").properties()) {
            metadata.put(e.getKey(), e.getValue().asString());
        }
        Tokenizer tokenizer = tokenizer(manifest.path("tokenizer"), tokenizerBytes, file);
        DecoderTransformer policy = DecoderTransformer.fromValues(config, parameters, device, true);
        return new Loaded(policy, tokenizer, extras, metadata);
    }

    private static Tokenizer tokenizer(JsonNode t, byte[] bytes, Path file) {
        String kind = t.path("kind").asString();
        return switch (kind) {
            case "builtin" -> new BuiltinTokenizer();
            case "huggingface" -> HuggingFaceTokenizerAdapter.fromBytes(bytes, new HuggingFaceTokenizerAdapter.SpecialIds(
                    t.path("padId").asInt(), t.path("bosId").asInt(), t.path("eosId").asInt()));
            default -> throw new IllegalArgumentException("checkpoint " + file + ": tokenizer kind '" + kind
                    + "' is not builtin or huggingface");
        };
    }

    private static byte[] tokenizerBytes(Tokenizer tokenizer) {
        if (tokenizer instanceof HuggingFaceTokenizerAdapter hf) {
            return hf.jsonBytes();
        }
        if (tokenizer instanceof BuiltinTokenizer) {
            return new byte[0];
        }
        throw new IllegalArgumentException("tokenizer " + tokenizer.getClass().getName() + " (kind "
                + tokenizer.kind() + ") cannot be stored in a checkpoint");
    }

    private static void writeArray(ArrayNode arrays, ByteArrayOutputStream data, String group, String name,
                                   NDArray array) {
        ObjectNode a = arrays.addObject();
        a.put("group", group);
        a.put("name", name);
        ArrayNode shape = a.putArray("shape");
        for (long d : array.getShape().getShape()) {
            shape.add(d);
        }
        ByteBuffer buf;
        if (array.getDataType() == DataType.INT64) {
            a.put("dtype", "int64");
            long[] v = array.toLongArray();
            buf = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
            buf.asLongBuffer().put(v);
        } else if (array.getDataType() == DataType.FLOAT32) {
            a.put("dtype", "float32");
            float[] v = array.toFloatArray();
            buf = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
            buf.asFloatBuffer().put(v);
        } else {
            throw new IllegalArgumentException("array '" + name + "' has dtype " + array.getDataType()
                    + ": checkpoints store float32 and int64");
        }
        data.writeBytes(buf.array());
    }

    private static byte[] bytes(ByteBuffer in, int n) {
        byte[] b = new byte[n];
        in.get(b);
        return b;
    }

    private static byte[] sha256(byte[] body) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(body);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
