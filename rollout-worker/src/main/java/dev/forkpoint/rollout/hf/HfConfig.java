package dev.forkpoint.rollout.hf;

import dev.forkpoint.rollout.safetensors.SafetensorsException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code config.json} of a Hugging Face Llama, Qwen2 or Qwen3 causal LM, read strictly: anything the decoder
 * does not implement (another model type, MoE, sliding-window attention, an unknown RoPE type, another
 * activation) is refused with the key and its value, before any weight is loaded.
 *
 * @param modelType         {@code llama}, {@code qwen2} or {@code qwen3}
 * @param vocabSize         rows of the embedding and the head
 * @param hiddenSize        width of the residual stream
 * @param layers            decoder blocks
 * @param heads             query heads
 * @param kvHeads           key/value heads (grouped-query attention; equal to heads without it)
 * @param headDim           width of one head (Qwen3 may set it apart from hidden / heads)
 * @param intermediateSize  width of the SwiGLU MLP
 * @param rmsNormEps        epsilon of every RMSNorm
 * @param ropeTheta         RoPE base
 * @param rope              RoPE frequency scaling; null for none
 * @param maxPositions      {@code max_position_embeddings}: the longest context
 * @param tiedEmbeddings    the head reuses the embedding ({@code lm_head.weight} absent)
 * @param attentionBias     biases on the q, k, v (and, for Llama, o) projections
 * @param mlpBias           biases on the MLP projections (Llama's {@code mlp_bias})
 * @param qkNorm            per-head RMSNorm of q and k before RoPE (Qwen3)
 * @param dtype             the stored weights' dtype as the config names it ({@code float32}, {@code bfloat16}, ...)
 * @param json              the config.json text this was read from, verbatim (checkpoints and exports write it back)
 */
public record HfConfig(String modelType, int vocabSize, int hiddenSize, int layers, int heads, int kvHeads,
                       int headDim, int intermediateSize, double rmsNormEps, double ropeTheta, RopeScaling rope,
                       int maxPositions, boolean tiedEmbeddings, boolean attentionBias, boolean mlpBias,
                       boolean qkNorm, String dtype, String json) {

    /** Llama 3's RoPE frequency scaling ({@code rope_type: llama3}). */
    public record RopeScaling(double factor, double lowFreqFactor, double highFreqFactor, int originalMaxPositions) {
    }

    public static final List<String> MODEL_TYPES = List.of("llama", "qwen2", "qwen3");
    private static final Set<String> DTYPES = Set.of("float32", "float16", "bfloat16");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Reads {@code dir/config.json}. */
    public static HfConfig read(Path dir) {
        Path file = dir.resolve("config.json");
        if (!Files.isRegularFile(file)) {
            throw new SafetensorsException(dir + ": no config.json (a Hugging Face model directory has config.json, "
                    + "model.safetensors or its shards, tokenizer.json and tokenizer_config.json)");
        }
        try {
            return parse(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new SafetensorsException(file + ": cannot be read (" + e.getMessage() + ")", e);
        }
    }

    /** Parses the text of a config.json; {@code where} names it in errors. */
    public static HfConfig parse(String json, String where) {
        JsonNode c;
        try {
            c = JSON.readTree(json);
        } catch (JacksonException e) {
            throw new SafetensorsException(where + ": not valid JSON: " + e.getOriginalMessage());
        }
        if (c == null || !c.isObject()) {
            throw new SafetensorsException(where + ": expected a JSON object");
        }
        return parse(c, json, where);
    }

    static HfConfig parse(JsonNode c, String where) {
        return parse(c, c.toString(), where);
    }

    private static HfConfig parse(JsonNode c, String json, String where) {
        String type = text(c, "model_type", where);
        if (!MODEL_TYPES.contains(type)) {
            throw refused(where, "model_type", type, "supported: " + MODEL_TYPES);
        }
        String act = c.path("hidden_act").asString("silu");
        if (!act.equals("silu")) {
            throw refused(where, "hidden_act", act, "only silu (SwiGLU) is supported");
        }
        for (String moe : List.of("num_experts", "num_local_experts", "n_routed_experts")) {
            if (c.has(moe) && !c.get(moe).isNull() && c.get(moe).asInt() > 0) {
                throw refused(where, moe, c.get(moe).toString(), "mixture-of-experts models are not supported");
            }
        }
        if (c.path("use_sliding_window").asBoolean(false)) {
            throw refused(where, "use_sliding_window", "true", "sliding-window attention is not supported");
        }
        int hidden = positive(c, "hidden_size", where);
        int heads = positive(c, "num_attention_heads", where);
        int kvHeads = c.has("num_key_value_heads") && !c.get("num_key_value_heads").isNull()
                ? positive(c, "num_key_value_heads", where) : heads;
        if (heads % kvHeads != 0) {
            throw refused(where, "num_key_value_heads", Integer.toString(kvHeads),
                    "must divide num_attention_heads = " + heads);
        }
        int headDim = c.has("head_dim") && !c.get("head_dim").isNull() ? positive(c, "head_dim", where)
                : hidden / heads;
        if (!c.has("head_dim") && hidden % heads != 0) {
            throw refused(where, "num_attention_heads", Integer.toString(heads), "must divide hidden_size = " + hidden);
        }
        if (headDim % 2 != 0) {
            throw refused(where, "head_dim", Integer.toString(headDim), "RoPE needs an even head dimension");
        }
        // Newer transformers write rope_parameters (with rope_theta inside); older ones rope_theta + rope_scaling.
        JsonNode params = c.get("rope_parameters");
        JsonNode scaling = params != null && !params.isNull() ? params : c.get("rope_scaling");
        double theta = params != null && params.has("rope_theta") ? params.get("rope_theta").asDouble()
                : c.path("rope_theta").asDouble(10000.0);
        RopeScaling rope = rope(scaling, where, params != null && !params.isNull() ? "rope_parameters" : "rope_scaling");
        String dtype = c.has("dtype") && !c.get("dtype").isNull() ? c.get("dtype").asString()
                : c.path("torch_dtype").asString("float32");
        if (!DTYPES.contains(dtype)) {
            throw refused(where, c.has("dtype") ? "dtype" : "torch_dtype", dtype, "supported: " + DTYPES);
        }
        boolean qwen2 = type.equals("qwen2");
        return new HfConfig(type, positive(c, "vocab_size", where), hidden, positive(c, "num_hidden_layers", where),
                heads, kvHeads, headDim, positive(c, "intermediate_size", where),
                c.path("rms_norm_eps").asDouble(1e-6), theta, rope,
                c.has("max_position_embeddings") ? positive(c, "max_position_embeddings", where) : 2048,
                c.path("tie_word_embeddings").asBoolean(false),
                qwen2 || c.path("attention_bias").asBoolean(false), c.path("mlp_bias").asBoolean(false),
                type.equals("qwen3"), dtype, json);
    }

    private static RopeScaling rope(JsonNode s, String where, String key) {
        if (s == null || s.isNull()) {
            return null;
        }
        String type = s.has("rope_type") ? s.get("rope_type").asString() : s.path("type").asString("default");
        switch (type) {
            case "default" -> {
                return null;
            }
            case "llama3" -> {
                return new RopeScaling(s.path("factor").asDouble(8.0), s.path("low_freq_factor").asDouble(1.0),
                        s.path("high_freq_factor").asDouble(4.0),
                        s.path("original_max_position_embeddings").asInt(8192));
            }
            default -> throw refused(where, key + ".rope_type", type, "supported: default, llama3");
        }
    }

    /** Positions beyond which the model was not trained: prompt + response must fit. */
    public int contextLength() {
        return maxPositions;
    }

    /** Query heads per key/value head. */
    public int groups() {
        return heads / kvHeads;
    }

    private static String text(JsonNode c, String key, String where) {
        JsonNode v = c.get(key);
        if (v == null || v.isNull() || !v.isString()) {
            throw new SafetensorsException(where + ": " + key + " is missing");
        }
        return v.asString();
    }

    private static int positive(JsonNode c, String key, String where) {
        JsonNode v = c.get(key);
        if (v == null || !v.isNumber() || v.asLong() < 1 || v.asLong() > Integer.MAX_VALUE) {
            throw new SafetensorsException(where + ": " + key + " = " + v + ": must be a positive integer");
        }
        return v.asInt();
    }

    private static SafetensorsException refused(String where, String key, String value, String why) {
        return new SafetensorsException(where + ": " + key + " = " + value + ": " + why);
    }
}
