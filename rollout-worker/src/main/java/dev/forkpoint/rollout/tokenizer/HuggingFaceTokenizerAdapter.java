package dev.forkpoint.rollout.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.forkpoint.rollout.chat.ChatMessage;
import dev.forkpoint.rollout.chat.ChatTemplate;
import dev.forkpoint.rollout.chat.ChatTemplateException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Hugging Face model's tokenizer, read offline from its directory's files ({@link HfTokenizerFiles}) through
 * DJL's tokenizers binding, with the special tokens and chat template the way transformers applies them:
 *
 * <ul>
 *   <li>eos is {@code tokenizer_config.json}'s {@code eos_token}; sampling stops at it and at every
 *       {@code eos_token_id} of {@code generation_config.json};</li>
 *   <li>pad is {@code pad_token}, else generation_config's {@code pad_token_id}, else eos (as TRL does);</li>
 *   <li>a chat prompt is the {@code chat_template} (or {@code chat_template.jinja}) rendered with
 *       {@code add_generation_prompt} and the special tokens, encoded with {@code add_special_tokens=false};</li>
 *   <li>a plain prompt is encoded with {@code add_special_tokens=true}, so tokenizer.json's post-processor adds
 *       BOS where the model expects it (Llama) and nothing where it does not (Qwen).</li>
 * </ul>
 *
 * <p>Without a tokenizer_config.json the special ids are looked up by their usual spellings. The model may have more
 * embedding rows than the tokenizer has ids (Qwen does): those ids decode to nothing, as in the tokenizers library.
 */
public final class HuggingFaceTokenizerAdapter implements Tokenizer, AutoCloseable {

    /** Special-token spellings tried, in order, when there is no tokenizer_config.json. */
    private static final List<String> PAD_NAMES = List.of("<pad>", "[PAD]", "<|pad|>");
    private static final List<String> BOS_NAMES = List.of("<s>", "<bos>", "[CLS]", "<|begin_of_text|>");
    private static final List<String> EOS_NAMES = List.of("</s>", "<eos>", "[SEP]", "<|eot_id|>", "<|end_of_text|>",
            "<|im_end|>", "<|endoftext|>");
    private static final List<String> TEMPLATE_TOKENS = List.of("bos_token", "eos_token", "pad_token", "unk_token");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HfTokenizerFiles files;
    private final HuggingFaceTokenizer tokenizer;
    private final Map<Integer, String> tokens;
    private final int vocabSize;
    private final int padId;
    private final int bosId;
    private final int eosId;
    private final int[] stopIds;
    private final ChatTemplate chatTemplate;
    /** Special-token strings handed to the chat template (only the ones the config defines). */
    private final Map<String, Object> templateTokens;

    private HuggingFaceTokenizerAdapter(HfTokenizerFiles files, String source) {
        this.files = files;
        JsonNode root = json(files.tokenizerJson(), source + "/" + HfTokenizerFiles.TOKENIZER);
        this.tokens = tokenTable(root, source + "/" + HfTokenizerFiles.TOKENIZER);
        Map<String, Integer> byString = new HashMap<>();
        tokens.forEach((id, s) -> byString.putIfAbsent(s, id));
        this.vocabSize = tokens.keySet().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;

        String tcWhere = source + "/" + HfTokenizerFiles.TOKENIZER_CONFIG;
        String gcWhere = source + "/" + HfTokenizerFiles.GENERATION_CONFIG;
        JsonNode tc = files.tokenizerConfig() == null ? null : json(files.tokenizerConfig(), tcWhere);
        JsonNode gc = files.generationConfig() == null ? null : json(files.generationConfig(), gcWhere);
        int[] generationEos = gc == null ? new int[0] : ids(gc.get("eos_token_id"), gcWhere, "eos_token_id");

        this.templateTokens = new LinkedHashMap<>();
        Integer eos;
        Integer bos;
        Integer pad;
        if (tc != null) {
            for (String key : TEMPLATE_TOKENS) {
                String t = tokenText(tc.get(key), tcWhere, key);
                if (t != null) {
                    templateTokens.put(key, t);
                }
            }
            eos = configuredId(tc, "eos_token", byString, tcWhere);
            bos = configuredId(tc, "bos_token", byString, tcWhere);
            pad = configuredId(tc, "pad_token", byString, tcWhere);
        } else {
            eos = byName(EOS_NAMES, byString);
            bos = byName(BOS_NAMES, byString);
            pad = byName(PAD_NAMES, byString);
        }
        if (eos == null && generationEos.length > 0) {
            eos = generationEos[0];
        }
        if (eos == null) {
            throw new IllegalArgumentException(source + ": no end-of-sequence token: set eos_token in "
                    + HfTokenizerFiles.TOKENIZER_CONFIG + " (or eos_token_id in " + HfTokenizerFiles.GENERATION_CONFIG
                    + ")");
        }
        if (pad == null && gc != null && gc.hasNonNull("pad_token_id")) {
            pad = ids(gc.get("pad_token_id"), gcWhere, "pad_token_id")[0];
        }
        this.eosId = eos;
        this.bosId = bos == null ? -1 : bos;
        this.padId = pad == null ? eos : pad;
        Set<Integer> stops = new LinkedHashSet<>();
        stops.add(eosId);
        for (int id : generationEos) {
            stops.add(id);
        }
        this.stopIds = stops.stream().mapToInt(Integer::intValue).toArray();
        this.chatTemplate = template(files, tc, source);
        try {
            // No padding/truncation: the sampler pads batches itself (left padding).
            this.tokenizer = HuggingFaceTokenizer.newInstance(
                    new ByteArrayInputStream(files.tokenizerJson().getBytes(StandardCharsets.UTF_8)),
                    Map.of("padding", "false", "truncation", "false", "addSpecialTokens", "false"));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(source + "/" + HfTokenizerFiles.TOKENIZER
                    + ": the tokenizers library rejected it: " + e.getMessage(), e);
        }
    }

    /** The tokenizer of a model directory (nothing is downloaded). */
    public static HuggingFaceTokenizerAdapter fromDirectory(Path dir) {
        return new HuggingFaceTokenizerAdapter(HfTokenizerFiles.read(dir), dir.toString());
    }

    /** From files held elsewhere, e.g. in a checkpoint; {@code source} names them in errors. */
    public static HuggingFaceTokenizerAdapter fromFiles(HfTokenizerFiles files, String source) {
        return new HuggingFaceTokenizerAdapter(files, source);
    }

    /** The files this tokenizer was read from, verbatim. */
    public HfTokenizerFiles files() {
        return files;
    }

    public boolean hasChatTemplate() {
        return chatTemplate != null;
    }

    /** The chat template's rendering of {@code messages}, as transformers' {@code apply_chat_template(tokenize=False)}. */
    public String renderChat(List<ChatMessage> messages, boolean addGenerationPrompt, Map<String, ?> kwargs) {
        if (chatTemplate == null) {
            throw new IllegalStateException("this tokenizer has no chat_template");
        }
        Map<String, Object> vars = new LinkedHashMap<>(templateTokens);
        vars.put("messages", ChatMessage.asTemplateValue(messages));
        vars.putAll(kwargs);
        vars.put("add_generation_prompt", addGenerationPrompt);
        return chatTemplate.render(vars);
    }

    @Override
    public int[] encodePrompt(List<ChatMessage> messages) {
        if (chatTemplate != null) {
            return encode(renderChat(messages, true, Map.of()));
        }
        return toInts(tokenizer.encode(ChatMessage.plainText(messages), true, false).getIds());
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
    public int[] stopIds() {
        return stopIds.clone();
    }

    @Override
    public int[] encode(String text) {
        return toInts(tokenizer.encode(text, false, false).getIds());
    }

    /** Special tokens and ids the tokenizer does not know (extra embedding rows) decode to nothing. */
    @Override
    public String decode(int[] ids) {
        long[] known = new long[ids.length];
        int n = 0;
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0) {
                throw new IllegalArgumentException("huggingface tokenizer: id " + ids[i] + " at position " + i
                        + " is negative");
            }
            if (tokens.containsKey(ids[i])) {
                known[n++] = ids[i];
            }
        }
        return tokenizer.decode(Arrays.copyOf(known, n), true);
    }

    @Override
    public String tokenString(int id) {
        if (id < 0) {
            throw new IllegalArgumentException("huggingface tokenizer: id " + id + " is negative");
        }
        String s = tokens.get(id);
        return s != null ? s : "<id " + id + ">";
    }

    @Override
    public String kind() {
        return "huggingface";
    }

    @Override
    public void close() {
        tokenizer.close();
    }

    private static int[] toInts(long[] ids) {
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Math.toIntExact(ids[i]);
        }
        return out;
    }

    private static JsonNode json(String text, String where) {
        try {
            JsonNode n = JSON.readTree(text);
            if (n == null || !n.isObject()) {
                throw new IllegalArgumentException(where + ": expected a JSON object");
            }
            return n;
        } catch (JacksonException e) {
            throw new IllegalArgumentException(where + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Ids to strings of the model vocabulary (WordLevel/BPE/WordPiece map, Unigram list) plus added tokens. */
    private static Map<Integer, String> tokenTable(JsonNode root, String where) {
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
            throw new IllegalArgumentException(where + ": model.vocab is missing (not a tokenizer.json?)");
        }
        for (JsonNode added : root.path("added_tokens")) {
            table.put(added.path("id").asInt(), added.path("content").asString());
        }
        return table;
    }

    /** A special token as tokenizer_config.json writes it: a string, an AddedToken object, or null. */
    private static String tokenText(JsonNode v, String where, String key) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isString()) {
            return v.asString();
        }
        if (v.isObject() && v.path("content").isString()) {
            return v.get("content").asString();
        }
        throw new IllegalArgumentException(where + ": " + key + " = " + v + ": expected a token string or null");
    }

    private static Integer configuredId(JsonNode tc, String key, Map<String, Integer> byString, String where) {
        String text = tokenText(tc.get(key), where, key);
        if (text == null) {
            return null;
        }
        Integer id = byString.get(text);
        if (id == null) {
            throw new IllegalArgumentException(where + ": " + key + " = \"" + text + "\" is not a token of "
                    + HfTokenizerFiles.TOKENIZER);
        }
        return id;
    }

    private static Integer byName(List<String> names, Map<String, Integer> byString) {
        for (String n : names) {
            Integer id = byString.get(n);
            if (id != null) {
                return id;
            }
        }
        return null;
    }

    /** An id or a list of ids (generation_config writes either). */
    private static int[] ids(JsonNode v, String where, String key) {
        if (v == null || v.isNull()) {
            return new int[0];
        }
        if (v.isIntegralNumber()) {
            return new int[] {checkedId(v, where, key)};
        }
        if (v.isArray()) {
            int[] out = new int[v.size()];
            for (int i = 0; i < out.length; i++) {
                if (!v.get(i).isIntegralNumber()) {
                    throw new IllegalArgumentException(where + ": " + key + " = " + v + ": expected integer ids");
                }
                out[i] = checkedId(v.get(i), where, key);
            }
            return out;
        }
        throw new IllegalArgumentException(where + ": " + key + " = " + v + ": expected an id or a list of ids");
    }

    private static int checkedId(JsonNode v, String where, String key) {
        long id = v.asLong();
        if (id < 0 || id > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(where + ": " + key + " = " + v + ": not a valid token id");
        }
        return (int) id;
    }

    /** chat_template.jinja wins (newer transformers); else tokenizer_config's string or its "default" entry. */
    private static ChatTemplate template(HfTokenizerFiles files, JsonNode tc, String source) {
        String text;
        String where;
        if (files.chatTemplate() != null) {
            text = files.chatTemplate();
            where = source + "/" + HfTokenizerFiles.CHAT_TEMPLATE;
        } else {
            where = source + "/" + HfTokenizerFiles.TOKENIZER_CONFIG + ": chat_template";
            JsonNode t = tc == null ? null : tc.get("chat_template");
            if (t == null || t.isNull()) {
                return null;
            }
            if (t.isString()) {
                text = t.asString();
            } else if (t.isArray()) {
                text = null;
                for (JsonNode named : t) {
                    if ("default".equals(named.path("name").asString(null))) {
                        text = named.path("template").asString(null);
                    }
                }
                if (text == null) {
                    throw new IllegalArgumentException(where + ": a list of named templates without one named "
                            + "\"default\"");
                }
            } else {
                throw new IllegalArgumentException(where + ": expected a string or a list of named templates");
            }
        }
        try {
            return ChatTemplate.parse(text);
        } catch (ChatTemplateException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }
}
