package dev.forkpoint.rollout.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A HuggingFace {@code tokenizer.json} read from a local file (offline) through DJL's tokenizers binding.
 * The file's bytes are kept so a checkpoint can store them; vocabulary size and token strings come from the
 * file itself (the DJL binding exposes neither).
 */
public final class HuggingFaceTokenizerAdapter implements Tokenizer, AutoCloseable {

    /** Special-token spellings tried, in order, when no id is configured. */
    private static final List<String> PAD_NAMES = List.of("<pad>", "[PAD]", "<|pad|>", "<|endoftext|>");
    private static final List<String> BOS_NAMES = List.of("<s>", "<bos>", "[CLS]", "<|begin_of_text|>", "<|endoftext|>");
    private static final List<String> EOS_NAMES = List.of("</s>", "<eos>", "[SEP]", "<|end_of_text|>", "<|eot_id|>",
            "<|endoftext|>");

    /**
     * Special ids; a null field is looked up among the file's tokens by its usual spellings.
     *
     * @param padId id of the padding token
     * @param bosId id of the beginning-of-sequence token
     * @param eosId id of the end-of-sequence (stop) token
     */
    public record SpecialIds(Integer padId, Integer bosId, Integer eosId) {
        public static final SpecialIds FROM_FILE = new SpecialIds(null, null, null);
    }

    private final HuggingFaceTokenizer tokenizer;
    private final byte[] json;
    private final Map<Integer, String> tokens;
    private final int vocabSize;
    private final int padId;
    private final int bosId;
    private final int eosId;

    private HuggingFaceTokenizerAdapter(byte[] json, SpecialIds ids, String source) {
        this.json = json.clone();
        JsonNode root;
        try {
            root = JsonMapper.builder().build().readTree(json);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(source + ": not a valid tokenizer.json: " + e.getMessage(), e);
        }
        this.tokens = tokenTable(root, source);
        Map<String, Integer> byString = new HashMap<>();
        tokens.forEach((id, s) -> byString.putIfAbsent(s, id));
        this.vocabSize = tokens.keySet().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
        this.padId = special("padId", ids.padId(), PAD_NAMES, byString, source);
        this.bosId = special("bosId", ids.bosId(), BOS_NAMES, byString, source);
        this.eosId = special("eosId", ids.eosId(), EOS_NAMES, byString, source);
        try {
            // No padding/truncation: the sampler pads batches itself (left padding).
            this.tokenizer = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(json),
                    Map.of("padding", "false", "truncation", "false", "addSpecialTokens", "false"));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(source + ": the tokenizers library rejected it: " + e.getMessage(), e);
        }
    }

    /** Loads {@code path} (a local tokenizer.json; nothing is downloaded). */
    public static HuggingFaceTokenizerAdapter load(Path path, SpecialIds ids) {
        try {
            return new HuggingFaceTokenizerAdapter(Files.readAllBytes(path), ids, path.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read tokenizer file " + path, e);
        }
    }

    /** From the bytes of a tokenizer.json, e.g. as stored in a checkpoint. */
    public static HuggingFaceTokenizerAdapter fromBytes(byte[] json, SpecialIds ids) {
        return new HuggingFaceTokenizerAdapter(json, ids, "tokenizer.json");
    }

    /** The original tokenizer.json bytes. */
    public byte[] jsonBytes() {
        return json.clone();
    }

    @Override
    public int vocabSize() {
        return vocabSize;
    }

    @Override
    public int padId() {
        return padId;
    }

    @Override
    public int bosId() {
        return bosId;
    }

    @Override
    public int eosId() {
        return eosId;
    }

    @Override
    public int[] encode(String text) {
        long[] ids = tokenizer.encode(text, false, false).getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Math.toIntExact(ids[i]);
        }
        return out;
    }

    @Override
    public String decode(int[] ids) {
        long[] l = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= vocabSize) {
                throw new IllegalArgumentException("huggingface tokenizer: id " + ids[i] + " at position " + i
                        + " is outside [0, " + vocabSize + ")");
            }
            l[i] = ids[i];
        }
        return tokenizer.decode(l, true);
    }

    @Override
    public String tokenString(int id) {
        String s = tokens.get(id);
        if (s == null) {
            throw new IllegalArgumentException("huggingface tokenizer: id " + id + " is not in the vocabulary");
        }
        return s;
    }

    @Override
    public String kind() {
        return "huggingface";
    }

    @Override
    public void close() {
        tokenizer.close();
    }

    /** Ids to strings of the model vocabulary (WordLevel/BPE/WordPiece map, Unigram list) plus added tokens. */
    private static Map<Integer, String> tokenTable(JsonNode root, String source) {
        Map<Integer, String> table = new HashMap<>();
        JsonNode vocab = root.path("model").path("vocab");
        if (vocab.isObject()) {
            for (Map.Entry<String, JsonNode> e : vocab.properties()) {
                table.put(e.getValue().asInt(), e.getKey());
            }
        } else if (vocab.isArray()) {
            for (int i = 0; i < vocab.size(); i++) {
                table.put(i, vocab.get(i).get(0).asString());
            }
        } else {
            throw new IllegalArgumentException(source + ": model.vocab is missing (not a tokenizer.json?)");
        }
        for (JsonNode added : root.path("added_tokens")) {
            table.put(added.path("id").asInt(), added.path("content").asString());
        }
        return table;
    }

    private int special(String field, Integer configured, List<String> names, Map<String, Integer> byString,
                        String source) {
        if (configured != null) {
            if (configured < 0 || configured >= vocabSize) {
                throw new IllegalArgumentException("tokenizer." + field + " = " + configured + ": outside [0, "
                        + vocabSize + ") of " + source);
            }
            return configured;
        }
        for (String n : names) {
            Integer id = byString.get(n);
            if (id != null) {
                return id;
            }
        }
        throw new IllegalArgumentException("tokenizer." + field + ": not configured and " + source
                + " has none of the tokens " + names + "; set it explicitly");
    }
}
