package dev.forkpoint.rollout.hf;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import ai.djl.training.GradientCollector;
import dev.forkpoint.rollout.policy.AutogradScalar;
import dev.forkpoint.rollout.policy.GradModeOff;
import dev.forkpoint.rollout.policy.KvCache;
import dev.forkpoint.rollout.policy.LiveGradient;
import dev.forkpoint.rollout.policy.Policy;
import dev.forkpoint.rollout.safetensors.ModelWeights;
import dev.forkpoint.rollout.safetensors.SafetensorsException;
import dev.forkpoint.rollout.safetensors.SafetensorsFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Hugging Face Llama, Qwen2 or Qwen3 causal LM as a {@link Policy}, with the eager numerics of transformers:
 * RMSNorm in float32, rotate-half RoPE (with Llama 3 frequency scaling), grouped-query attention whose KV cache
 * holds only the key/value heads, a SwiGLU MLP, optional q/k/v(/o) biases, Qwen3's per-head q/k RMSNorm before
 * RoPE, and a tied or separate head. Parameters keep their Hugging Face names, so a checkpoint exports back under
 * the source's tensor names. Weights are widened to float32 on load (training is float32).
 *
 * <p>Positions come from the key mask ({@code cumsum(mask) - 1}, clamped at 0), so left padding does not shift
 * them; a padding query attends only to itself (its output is unused and defined the same with or without cache).
 */
public final class HfDecoder implements Policy {

    private static final Logger log = LoggerFactory.getLogger(HfDecoder.class);
    /** Additive attention bias of a blocked key (see DecoderTransformer: finite, so an all-blocked row stays finite). */
    private static final float BLOCKED = -1e9f;

    private final HfConfig config;
    /** Longest prompt + response this policy takes: at most max_position_embeddings, a run may ask for less. */
    private final int contextLength;
    private final NDManager manager;
    /** The Hugging Face weights (frozen when adapters train). */
    private final Map<String, NDArray> parameters;
    /** LoRA adapters; null for full fine-tuning. */
    private final LoraSpec lora;
    private final Map<String, NDArray> adapters;
    /** Per layer, per {@link LoraSpec#TARGETS} index: A and B, or null where that projection has none. */
    private final NDArray[][] loraA;
    private final NDArray[][] loraB;
    /** False for the base view: the same weights with the adapters switched off (LoRA's KL reference). */
    private final boolean adaptersOn;
    /** The base view shares its owner's arrays and must not free them. */
    private final boolean ownsManager;
    private final Layer[] layers;
    private final NDArray embed;
    private final NDArray finalNorm;
    private final NDArray head;
    /** The seed of adapter dropout's masks inside {@link #dropout}; null outside (no dropout). */
    private Long dropoutSeed;
    /** See {@link #recomputeBytes(long)}. */
    private long recomputeBytes = 64L << 20;
    /** RoPE inverse frequencies, (headDim / 2), float32. */
    private final NDArray invFreq;

    private record Layer(NDArray inputNorm, NDArray q, NDArray qBias, NDArray k, NDArray kBias, NDArray v,
                         NDArray vBias, NDArray o, NDArray oBias, NDArray qNorm, NDArray kNorm, NDArray postNorm,
                         NDArray gate, NDArray gateBias, NDArray up, NDArray upBias, NDArray down, NDArray downBias) {
    }

    private HfDecoder(HfConfig config, int contextLength, NDManager manager, Map<String, NDArray> parameters,
                      LoraSpec lora, Map<String, NDArray> adapters, boolean adaptersOn, boolean ownsManager) {
        this.config = config;
        this.contextLength = contextLength;
        this.manager = manager;
        this.parameters = Collections.unmodifiableMap(parameters);
        this.lora = lora;
        this.adapters = Collections.unmodifiableMap(adapters);
        this.adaptersOn = adaptersOn;
        this.ownsManager = ownsManager;
        int targets = LoraSpec.TARGETS.size();
        this.loraA = new NDArray[config.layers()][targets];
        this.loraB = new NDArray[config.layers()][targets];
        if (lora != null) {
            for (int l = 0; l < config.layers(); l++) {
                for (int t = 0; t < targets; t++) {
                    String m = LoraSpec.module(l, LoraSpec.TARGETS.get(t));
                    loraA[l][t] = adapters.get(m + ".lora_A.weight");
                    loraB[l][t] = adapters.get(m + ".lora_B.weight");
                }
            }
        }
        this.embed = parameters.get("model.embed_tokens.weight");
        this.finalNorm = parameters.get("model.norm.weight");
        this.head = config.tiedEmbeddings() ? embed : parameters.get("lm_head.weight");
        this.layers = new Layer[config.layers()];
        for (int l = 0; l < config.layers(); l++) {
            String p = "model.layers." + l + ".";
            layers[l] = new Layer(parameters.get(p + "input_layernorm.weight"),
                    parameters.get(p + "self_attn.q_proj.weight"), parameters.get(p + "self_attn.q_proj.bias"),
                    parameters.get(p + "self_attn.k_proj.weight"), parameters.get(p + "self_attn.k_proj.bias"),
                    parameters.get(p + "self_attn.v_proj.weight"), parameters.get(p + "self_attn.v_proj.bias"),
                    parameters.get(p + "self_attn.o_proj.weight"), parameters.get(p + "self_attn.o_proj.bias"),
                    parameters.get(p + "self_attn.q_norm.weight"), parameters.get(p + "self_attn.k_norm.weight"),
                    parameters.get(p + "post_attention_layernorm.weight"),
                    parameters.get(p + "mlp.gate_proj.weight"), parameters.get(p + "mlp.gate_proj.bias"),
                    parameters.get(p + "mlp.up_proj.weight"), parameters.get(p + "mlp.up_proj.bias"),
                    parameters.get(p + "mlp.down_proj.weight"), parameters.get(p + "mlp.down_proj.bias"));
        }
        this.invFreq = manager.create(inverseFrequencies(config));
    }

    /** Loads a Hugging Face model directory (config.json and its safetensors weights). */
    public static HfDecoder load(Path dir, Device device, boolean trainable) {
        return load(dir, device, trainable, HfConfig.read(dir).contextLength());
    }

    /**
     * As {@link #load(Path, Device, boolean)} with a context of {@code contextLength} positions (a run's
     * {@code model.contextLength}), which must not exceed the config's {@code max_position_embeddings}.
     */
    public static HfDecoder load(Path dir, Device device, boolean trainable, int contextLength) {
        HfConfig config = HfConfig.read(dir);
        checkContext(config, contextLength);
        return fromValues(config, readValues(dir, config), device, trainable, contextLength);
    }

    /** The directory's weights widened to float32, by name, after {@link #checkWeights}. */
    public static Map<String, float[]> readValues(Path dir, HfConfig config) {
        Map<String, float[]> values = new LinkedHashMap<>();
        try (ModelWeights weights = ModelWeights.open(dir)) {
            checkWeights(dir, config, weights);
            for (String name : parameterShapes(config).keySet()) {
                values.put(name, weights.floats(name));
            }
        }
        return values;
    }

    /**
     * Checks from the safetensors headers alone that the weights hold exactly the tensors {@code config} implies,
     * with its shapes: every missing, unexpected or misshapen tensor is named with its file.
     */
    public static void checkWeights(Path dir, HfConfig config, ModelWeights weights) {
        Map<String, long[]> shapes = parameterShapes(config);
        for (String name : weights.names()) {
            if (!shapes.containsKey(name) && !ignorable(name, config)) {
                throw new SafetensorsException(weights.file(name).path() + ": tensor '" + name + "' is not part of a "
                        + config.modelType() + " model with this config.json (" + describe(config) + ")");
            }
        }
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            if (!weights.has(e.getKey())) {
                throw new SafetensorsException(dir + ": tensor '" + e.getKey() + "' is missing"
                        + (e.getKey().equals("lm_head.weight") ? " (config.json says tie_word_embeddings: false)" : ""));
            }
            SafetensorsFile.Entry entry = weights.entry(e.getKey());
            if (!entry.dtype().isFloatingPoint()) {
                throw new SafetensorsException(weights.file(e.getKey()).path() + ": tensor '" + e.getKey()
                        + "' is " + entry.dtype() + "; weights must be F32, F16 or BF16");
            }
            if (!Arrays.equals(entry.shape(), e.getValue())) {
                throw new SafetensorsException(weights.file(e.getKey()).path() + ": tensor '" + e.getKey()
                        + "' has shape " + Arrays.toString(entry.shape()) + ", config.json implies "
                        + Arrays.toString(e.getValue()));
            }
        }
    }

    private static void checkContext(HfConfig config, int contextLength) {
        if (contextLength < 2 || contextLength > config.contextLength()) {
            throw new IllegalArgumentException("context of " + contextLength + " positions: the model takes 2 to "
                    + config.contextLength() + " (config.json max_position_embeddings)");
        }
    }

    /** A tied head may still be stored; old checkpoints store RoPE's inverse frequencies. Neither is a parameter. */
    private static boolean ignorable(String name, HfConfig config) {
        return (config.tiedEmbeddings() && name.equals("lm_head.weight")) || name.endsWith("rotary_emb.inv_freq");
    }

    /** A model with the given values, under the names and shapes of {@link #parameterShapes}. */
    public static HfDecoder fromValues(HfConfig config, Map<String, float[]> values, Device device, boolean trainable) {
        return fromValues(config, values, device, trainable, config.contextLength());
    }

    /** As {@link #fromValues(HfConfig, Map, Device, boolean)} with a context of {@code contextLength} positions. */
    public static HfDecoder fromValues(HfConfig config, Map<String, float[]> values, Device device, boolean trainable,
                                       int contextLength) {
        checkContext(config, contextLength);
        Map<String, long[]> shapes = parameterShapes(config);
        for (String name : values.keySet()) {
            if (!shapes.containsKey(name)) {
                throw new IllegalArgumentException("parameter '" + name + "' is not part of a " + config.modelType()
                        + " model (" + describe(config) + ")");
            }
        }
        NDManager manager = NDManager.newBaseManager(device);
        try {
            Map<String, NDArray> params = new LinkedHashMap<>();
            for (Map.Entry<String, long[]> e : shapes.entrySet()) {
                float[] v = values.get(e.getKey());
                if (v == null) {
                    throw new IllegalArgumentException("parameter '" + e.getKey() + "' is missing");
                }
                Shape shape = new Shape(e.getValue());
                if (v.length != shape.size()) {
                    throw new IllegalArgumentException("parameter '" + e.getKey() + "' has " + v.length
                            + " values, its shape " + shape + " needs " + shape.size());
                }
                NDArray a = manager.create(v, shape);
                a.setName(e.getKey());
                if (trainable) {
                    a.setRequiresGradient(true);
                }
                params.put(e.getKey(), a);
            }
            long count = params.values().stream().mapToLong(a -> a.getShape().size()).sum();
            log.info("HfDecoder {} ({}): {} parameters on {}{}", config.modelType(), describe(config), count, device,
                    trainable ? "" : " (frozen)");
            return new HfDecoder(config, contextLength, manager, params, null, Map.of(), true, true);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * A model whose base weights are frozen and whose LoRA adapters train: {@code adapterValues} by name (null: fresh
     * adapters from {@code seed}, which leave the model's outputs unchanged).
     */
    public static HfDecoder withAdapters(HfConfig config, Map<String, float[]> baseValues, LoraSpec lora,
                                         Map<String, float[]> adapterValues, long seed, Device device,
                                         boolean trainable, int contextLength) {
        HfDecoder base = fromValues(config, baseValues, device, false, contextLength);
        try {
            Map<String, float[]> values = adapterValues != null ? adapterValues : lora.initialValues(config, seed);
            Map<String, long[]> shapes = lora.shapes(config);
            if (!values.keySet().equals(shapes.keySet())) {
                throw new IllegalArgumentException("adapters " + values.keySet() + " do not match the LoRA targets "
                        + lora.targets() + " of this model");
            }
            Map<String, NDArray> adapters = new LinkedHashMap<>();
            for (Map.Entry<String, long[]> e : shapes.entrySet()) {
                float[] v = values.get(e.getKey());
                Shape shape = new Shape(e.getValue());
                if (v.length != shape.size()) {
                    throw new IllegalArgumentException("adapter '" + e.getKey() + "' has " + v.length
                            + " values, its shape " + shape + " needs " + shape.size());
                }
                NDArray a = base.manager.create(v, shape);
                a.setName(e.getKey());
                if (trainable) {
                    a.setRequiresGradient(true);
                }
                adapters.put(e.getKey(), a);
            }
            long count = adapters.values().stream().mapToLong(a -> a.getShape().size()).sum();
            log.info("LoRA rank {} alpha {} on {}: {} trainable parameters", lora.rank(), lora.alpha(),
                    lora.targets(), count);
            return new HfDecoder(config, contextLength, base.manager, base.parameters, lora, adapters, true, true);
        } catch (RuntimeException e) {
            base.close();
            throw e;
        }
    }

    /** The LoRA adapters, or null for a model that trains all its weights. */
    public LoraSpec lora() {
        return lora;
    }

    /** The Hugging Face weights (with LoRA, the frozen base). */
    public Map<String, NDArray> baseParameters() {
        return parameters;
    }

    /**
     * The same model with its adapters switched off, sharing its arrays: LoRA's KL reference, which costs no second
     * copy of the weights. Closing the view frees nothing; it must not outlive this model.
     */
    public HfDecoder baseView() {
        if (lora == null) {
            throw new IllegalStateException("a model without adapters has no separate base");
        }
        return new HfDecoder(config, contextLength, manager, parameters, lora, adapters, false, false);
    }

    /** Hugging Face names and shapes of every parameter the config implies, in the checkpoints' order. */
    public static Map<String, long[]> parameterShapes(HfConfig c) {
        long h = c.hiddenSize();
        long q = (long) c.heads() * c.headDim();
        long kv = (long) c.kvHeads() * c.headDim();
        long m = c.intermediateSize();
        Map<String, long[]> s = new LinkedHashMap<>();
        s.put("model.embed_tokens.weight", new long[] {c.vocabSize(), h});
        for (int l = 0; l < c.layers(); l++) {
            String p = "model.layers." + l + ".";
            s.put(p + "input_layernorm.weight", new long[] {h});
            s.put(p + "self_attn.q_proj.weight", new long[] {q, h});
            s.put(p + "self_attn.k_proj.weight", new long[] {kv, h});
            s.put(p + "self_attn.v_proj.weight", new long[] {kv, h});
            s.put(p + "self_attn.o_proj.weight", new long[] {h, q});
            if (c.attentionBias()) {
                s.put(p + "self_attn.q_proj.bias", new long[] {q});
                s.put(p + "self_attn.k_proj.bias", new long[] {kv});
                s.put(p + "self_attn.v_proj.bias", new long[] {kv});
                if (c.modelType().equals("llama")) {
                    s.put(p + "self_attn.o_proj.bias", new long[] {h});
                }
            }
            if (c.qkNorm()) {
                s.put(p + "self_attn.q_norm.weight", new long[] {c.headDim()});
                s.put(p + "self_attn.k_norm.weight", new long[] {c.headDim()});
            }
            s.put(p + "post_attention_layernorm.weight", new long[] {h});
            s.put(p + "mlp.gate_proj.weight", new long[] {m, h});
            s.put(p + "mlp.up_proj.weight", new long[] {m, h});
            s.put(p + "mlp.down_proj.weight", new long[] {h, m});
            if (c.mlpBias()) {
                s.put(p + "mlp.gate_proj.bias", new long[] {m});
                s.put(p + "mlp.up_proj.bias", new long[] {m});
                s.put(p + "mlp.down_proj.bias", new long[] {h});
            }
        }
        s.put("model.norm.weight", new long[] {h});
        if (!c.tiedEmbeddings()) {
            s.put("lm_head.weight", new long[] {c.vocabSize(), h});
        }
        return s;
    }

    /**
     * RoPE's inverse frequencies {@code 1 / theta^(2i / d)}, with Llama 3's scaling when configured (long
     * wavelengths divided by the factor, short ones kept, the band between interpolated), in double, then float.
     */
    static float[] inverseFrequencies(HfConfig c) {
        int half = c.headDim() / 2;
        float[] out = new float[half];
        HfConfig.RopeScaling r = c.rope();
        for (int i = 0; i < half; i++) {
            double f = 1.0 / Math.pow(c.ropeTheta(), (double) (2 * i) / c.headDim());
            if (r != null) {
                double lowWavelen = r.originalMaxPositions() / r.lowFreqFactor();
                double highWavelen = r.originalMaxPositions() / r.highFreqFactor();
                double wavelen = 2 * Math.PI / f;
                if (wavelen > lowWavelen) {
                    f = f / r.factor();
                } else if (wavelen >= highWavelen) {
                    double smooth = (r.originalMaxPositions() / wavelen - r.lowFreqFactor())
                            / (r.highFreqFactor() - r.lowFreqFactor());
                    f = (1 - smooth) * f / r.factor() + smooth * f;
                }
            }
            out[i] = (float) f;
        }
        return out;
    }

    public HfConfig hfConfig() {
        return config;
    }

    @Override
    public int vocabSize() {
        return config.vocabSize();
    }

    @Override
    public int contextLength() {
        return contextLength;
    }

    @Override
    public Device device() {
        return manager.getDevice();
    }

    @Override
    public NDArray forward(NDArray tokens, NDArray keyMask, KvCache cache) {
        return linear(hidden(tokens, keyMask, cache), head, null);
    }

    /** The head on the last position's hidden state only: a prefill skips T - 1 rows of the vocabulary-wide head. */
    @Override
    public NDArray lastLogits(NDArray tokens, NDArray keyMask, KvCache cache) {
        NDArray h = hidden(tokens, keyMask, cache);
        NDArray last = h.get(new NDIndex(":, -1, :"));
        return linear(last, head, null);
    }

    /**
     * Bytes of the largest array of one block that gradient checkpointing recomputes at once (64 MiB by default):
     * the backward recomputes as many sequences together as fit. Smaller saves memory for more, smaller matrix
     * multiplies; the gradients agree up to float rounding.
     */
    public void recomputeBytes(long bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("recomputeBytes = " + bytes + ": must be at least 1");
        }
        this.recomputeBytes = bytes;
    }

    @Override
    public Head head(NDArray tokens, NDArray keyMask, boolean recompute) {
        if (!recompute) {
            NDArray graph = hidden(tokens, keyMask, null);
            NDArray detached = graph.stopGradient();
            return new Head() {
                @Override
                public NDArray hidden() {
                    return detached;
                }

                @Override
                public NDArray weight() {
                    return scoped(head.stopGradient(), tokens.getManager());
                }

                @Override
                public NDArray weightGradient(GradientCollector collector) {
                    return head.hasGradient() ? LiveGradient.of(head, collector, tokens.getManager()) : null;
                }

                @Override
                public void backward(GradientCollector collector, NDArray dHidden) {
                    // dHidden first: a product lands on its first operand's manager (the caller's scope).
                    collector.backward(dHidden.mul(graph).sum());
                }
            };
        }
        return new CheckpointedHead(tokens, keyMask);
    }

    private static NDArray scoped(NDArray a, NDManager scope) {
        a.attach(scope);
        return a;
    }

    /**
     * Gradient checkpointing at half-layer granularity (attention, MLP): the forward runs without recording and keeps
     * only each block's input; the backward recomputes one block at a time from its input (a leaf), back-propagates
     * the block's output gradient into its parameters and its input, and frees the block's activations before the
     * next one. At most one block's activations exist at once (the attention's (B, heads, T, T) scores or the MLP's
     * (B, T, intermediate) arrays, not both), for about one more forward's time.
     */
    private final class CheckpointedHead implements Head {

        private final NDArray tokens;
        private final NDManager scope;
        private final Context ctx;
        private final NDArray[] inputs;
        private final NDArray last;
        private final NDArray hidden;

        CheckpointedHead(NDArray tokens, NDArray keyMask) {
            this.tokens = tokens;
            this.scope = tokens.getManager();
            try (GradModeOff off = new GradModeOff()) {
                this.ctx = context(tokens, keyMask, null);
                this.inputs = new NDArray[2 * layers.length];
                NDArray x = embed(tokens.toType(DataType.INT64, false), embed);
                x.attach(scope);
                for (int i = 0; i < inputs.length; i++) {
                    inputs[i] = x;
                    try (NDManager lm = scope.newSubManager()) {
                        x.tempAttach(lm);
                        NDArray y = block(i, x);
                        y.attach(scope);
                        x = y;
                    }
                }
                this.last = x;
                this.hidden = rmsNorm(last, finalNorm);
            }
        }

        @Override
        public NDArray hidden() {
            return hidden;
        }

        @Override
        public NDArray weight() {
            return scoped(head.stopGradient(), scope);
        }

        @Override
        public NDArray weightGradient(GradientCollector collector) {
            return head.hasGradient() ? LiveGradient.of(head, collector, scope) : null;
        }

        @Override
        public void backward(GradientCollector collector, NDArray dHidden) {
            // Single use: each block's input and the gradient below it are freed as soon as the block is done, so
            // the stored inputs shrink while the backward walks down.
            NDArray dy = through(collector, last, x -> rmsNorm(x, finalNorm), dHidden);
            last.close();
            int perRecompute = rowsPerRecompute();
            for (int i = inputs.length - 1; i >= 0; i--) {
                NDArray dIn = blockBackward(collector, i, dy, perRecompute);
                dy.close();
                inputs[i].close();
                dy = dIn;
            }
            // The embedding lookup's backward, by hand: autograd's would build a dense (vocabulary, hidden) array.
            if (!embed.hasGradient()) {
                return;
            }
            try (NDManager lm = scope.newSubManager()) {
                NDArray rows = dy.reshape(-1, dy.getShape().get(2));
                rows.attach(lm);
                LiveGradient.addRows(LiveGradient.of(embed, collector, lm),
                        tokens.toType(DataType.INT64, false).toLongArray(), rows);
            }
        }

        /** Half-layer {@code i}: the attention of layer {@code i / 2} when even, its MLP when odd. */
        private NDArray block(int i, NDArray x) {
            return block(i, x, ctx);
        }

        private NDArray block(int i, NDArray x, Context c) {
            return i % 2 == 0 ? attentionBlock(i / 2, x, c, null) : mlpBlock(i / 2, x, c);
        }

        /**
         * Sequences per recomputation: rows are independent in a block (attention stays within a row), so its
         * backward can run a few rows at a time, the parameters' gradients accumulating, with at most about
         * {@code recomputeBytes} in its largest array (the attention's (rows, heads, T, T) scores or the MLP's
         * (rows, T, intermediate) activations).
         */
        private int rowsPerRecompute() {
            long perRow = 4L * Math.max((long) config.heads() * ctx.time() * ctx.total(),
                    ctx.time() * (long) config.intermediateSize());
            return (int) Math.max(1, Math.min(ctx.batch(), recomputeBytes / perRow));
        }

        /** The gradient of block {@code i}'s input from its output's, recomputed {@code rows} sequences at a time. */
        private NDArray blockBackward(GradientCollector collector, int i, NDArray dOut, int rows) {
            long b = ctx.batch();
            if (rows >= b) {
                return through(collector, inputs[i], x -> block(i, x), dOut);
            }
            List<NDArray> parts = new ArrayList<>();
            for (long r = 0; r < b; r += rows) {
                NDIndex part = new NDIndex("{}:{}", r, Math.min(b, r + rows));
                try (NDManager pm = scope.newSubManager()) {
                    NDArray in = inputs[i].get(part);
                    NDArray d = dOut.get(part);
                    Context c = new Context(ctx.bias().get(part), ctx.cos().get(part), ctx.sin().get(part),
                            Math.min(b, r + rows) - r, ctx.time(), ctx.total(), pm, ctx.firstRow() + r);
                    in.attach(pm);
                    d.attach(pm);
                    c.bias().attach(pm);
                    c.cos().attach(pm);
                    c.sin().attach(pm);
                    NDArray dIn = through(collector, in, x -> block(i, x, c), d);
                    parts.add(dIn);
                }
            }
            NDArray dIn = NDArrays.concat(new NDList(parts), 0);
            dIn.attach(scope);
            parts.forEach(NDArray::close);
            return dIn;
        }

        /**
         * Recomputes {@code f(input)} from a leaf copy of {@code input}, back-propagates {@code dOut} and returns the
         * gradient of the input, freeing the recomputation's arrays.
         */
        private NDArray through(GradientCollector collector, NDArray input, java.util.function.UnaryOperator<NDArray> f,
                                NDArray dOut) {
            try (NDManager lm = scope.newSubManager()) {
                NDArray leaf = input.duplicate();
                leaf.attach(lm);
                leaf.setRequiresGradient(true);
                NDArray out = f.apply(leaf);
                NDArray surrogate = dOut.mul(out).sum();
                surrogate.attach(lm);
                collector.backward(surrogate);
                NDArray dIn = leaf.getGradient().duplicate();
                dIn.attach(scope);
                return dIn;
            }
        }
    }

    /**
     * What every layer of one full forward shares: the attention bias and RoPE's cos and sin; {@code firstRow} is
     * the batch row its first row is (a recomputation may take a few rows), which adapter dropout's mask depends on.
     */
    private record Context(NDArray bias, NDArray cos, NDArray sin, long batch, long time, long total,
                           NDManager manager, long firstRow) {}

    private Context context(NDArray tokens, NDArray keyMask, HfKvCache kv) {
        Shape ts = tokens.getShape();
        if (ts.dimension() != 2) {
            throw new IllegalArgumentException("tokens shape " + ts + ": must be (batch, time)");
        }
        long b = ts.get(0);
        long t = ts.get(1);
        if (kv != null) {
            kv.checkRoom(t, b);
        }
        long past = kv == null ? 0 : kv.length();
        long total = past + t;
        if (!keyMask.getShape().equals(new Shape(b, total))) {
            throw new IllegalArgumentException("keyMask shape " + keyMask.getShape()
                    + ": must be (batch, cached + new) = " + new Shape(b, total));
        }
        if (total > config.contextLength()) {
            throw new IllegalArgumentException("sequence length " + total + " exceeds max_position_embeddings = "
                    + config.contextLength());
        }
        NDManager m = tokens.getManager();
        long hd = config.headDim();
        NDArray mask = keyMask.toType(DataType.INT64, false);
        NDArray positions = mask.cumSum(1).subi(1).clip(0, Long.MAX_VALUE);
        if (past > 0) {
            positions = positions.get(new NDIndex(":, {}:", past));
        }
        NDArray keyIdx = m.arange(0f, (float) total);
        NDArray queryIdx = m.arange((float) past, (float) total).reshape(t, 1);
        NDArray future = keyIdx.gt(queryIdx);
        NDArray otherPadding = mask.eq(0).reshape(b, 1, 1, total).logicalAnd(keyIdx.neq(queryIdx));
        NDArray bias = future.logicalOr(otherPadding).toType(DataType.FLOAT32, false).muli(BLOCKED);
        // cos/sin of position * inverse frequency, (B, 1, T, headDim): the same angles for both halves.
        NDArray angles = positions.toType(DataType.FLOAT32, false).expandDims(-1).mul(invFreq.toDevice(m.getDevice(),
                false).reshape(1, 1, hd / 2));
        NDArray emb = angles.concat(angles, -1).expandDims(1);
        return new Context(bias, emb.cos(), emb.sin(), b, t, total, m, 0);
    }

    /** The final-normed hidden states (B, T, H): everything of {@link #forward} but the head. */
    private NDArray hidden(NDArray tokens, NDArray keyMask, KvCache cache) {
        HfKvCache kv = null;
        if (cache != null) {
            if (!(cache instanceof HfKvCache k)) {
                throw new IllegalArgumentException("cache " + cache.getClass().getName() + " was not made by this model");
            }
            kv = k;
        }
        Context ctx = context(tokens, keyMask, kv);
        NDArray x = embed(tokens.toType(DataType.INT64, false), embed);
        for (int l = 0; l < layers.length; l++) {
            x = layer(l, x, ctx, kv);
        }
        if (kv != null) {
            kv.advance(ctx.time());
        }
        return rmsNorm(x, finalNorm);
    }

    /** Decoder layer {@code l}: attention (appending to {@code kv} when given) and the MLP, both residual. */
    private NDArray layer(int l, NDArray x, Context ctx, HfKvCache kv) {
        return mlpBlock(l, attentionBlock(l, x, ctx, kv), ctx);
    }

    /** The attention half of layer {@code l}: {@code x + o(attention(input-norm of x))}. */
    private NDArray attentionBlock(int l, NDArray x, Context ctx, HfKvCache kv) {
        long b = ctx.batch();
        long t = ctx.time();
        long heads = config.heads();
        long kvHeads = config.kvHeads();
        long hd = config.headDim();
        float scale = (float) (1.0 / Math.sqrt(hd));
        Layer ly = layers[l];
        NDArray h = rmsNorm(x, ly.inputNorm());
        NDArray q = project(h, ly.q(), ly.qBias(), l, 0, ctx).reshape(b, t, heads, hd);
        NDArray k = project(h, ly.k(), ly.kBias(), l, 1, ctx).reshape(b, t, kvHeads, hd);
        NDArray v = project(h, ly.v(), ly.vBias(), l, 2, ctx).reshape(b, t, kvHeads, hd).transpose(0, 2, 1, 3);
        if (config.qkNorm()) {
            q = rmsNorm(q, ly.qNorm());
            k = rmsNorm(k, ly.kNorm());
        }
        q = rope(q.transpose(0, 2, 1, 3), ctx.cos(), ctx.sin());
        k = rope(k.transpose(0, 2, 1, 3), ctx.cos(), ctx.sin());
        if (kv != null) {
            NDArray[] all = kv.append(l, k, v, ctx.manager());
            k = all[0];
            v = all[1];
        }
        k = repeatKv(k, b, ctx.total());
        v = repeatKv(v, b, ctx.total());
        NDArray att = q.mul(AutogradScalar.of(q, scale)).matMul(k.transpose(0, 1, 3, 2)).addi(ctx.bias()).softmax(-1);
        NDArray y = att.matMul(v).transpose(0, 2, 1, 3).reshape(b, t, heads * hd);
        return x.add(project(y, ly.o(), ly.oBias(), l, 3, ctx));
    }

    /** The MLP half of layer {@code l}: {@code x + down(silu(gate(h)) * up(h))} with {@code h} the post-norm of x. */
    private NDArray mlpBlock(int l, NDArray x, Context ctx) {
        Layer ly = layers[l];
        NDArray h2 = rmsNorm(x, ly.postNorm());
        NDArray gate = project(h2, ly.gate(), ly.gateBias(), l, 4, ctx);
        NDArray up = project(h2, ly.up(), ly.upBias(), l, 5, ctx);
        return x.add(project(gate.mul(Activation.sigmoid(gate)).mul(up), ly.down(), ly.downBias(), l, 6, ctx));
    }

    /**
     * {@code x W^T + b}, plus {@code scale (x' A^T) B^T} where projection {@code target} of layer {@code l} has an
     * adapter, {@code x'} being {@code x} with adapter dropout applied inside {@link #dropout} and {@code x} otherwise.
     */
    private NDArray project(NDArray x, NDArray weight, NDArray bias, int l, int target, Context ctx) {
        NDArray y = linear(x, weight, bias);
        NDArray a = loraA[l][target];
        if (!adaptersOn || a == null) {
            return y;
        }
        NDArray in = dropoutSeed == null ? x : x.mul(LoraDropout.mask(x, lora.dropout(), dropoutSeed, l, target,
                ctx.firstRow()));
        NDArray delta = linear(linear(in, a, null), loraB[l][target], null);
        return y.add(delta.mul(AutogradScalar.of(delta, (float) lora.scale())));
    }

    /**
     * Marks the forwards and backwards until {@code close} as training ones, which apply adapter dropout with masks
     * drawn from {@code seed} (a fixed function of the seed, layer, projection, batch row, position and feature, so
     * a recomputation draws the same mask). A no-op without adapters or with dropout 0.
     */
    @Override
    public Dropout dropout(long seed) {
        if (lora == null || !adaptersOn || lora.dropout() == 0) {
            return () -> { };
        }
        Long previous = dropoutSeed;
        dropoutSeed = seed;
        return () -> dropoutSeed = previous;
    }

    /** {@code x * rsqrt(mean(x^2) + eps) * weight} over the last axis, in float32 (transformers' RMSNorm). */
    private NDArray rmsNorm(NDArray x, NDArray weight) {
        NDArray rms = x.square().mean(new int[] {-1}, true).add(config.rmsNormEps()).sqrt();
        return x.div(rms).mul(weight);
    }

    /** {@code x cos + rotate_half(x) sin}, with {@code rotate_half([x1, x2]) = [-x2, x1]} over the head axis. */
    private static NDArray rope(NDArray x, NDArray cos, NDArray sin) {
        long half = x.getShape().get(3) / 2;
        NDArray x1 = x.get(new NDIndex(":, :, :, :{}", half));
        NDArray x2 = x.get(new NDIndex(":, :, :, {}:", half));
        NDArray rotated = x2.neg().concat(x1, -1);
        return x.mul(cos).add(rotated.mul(sin));
    }

    /** (B, kvHeads, L, hd) -> (B, heads, L, hd): each key/value head serves {@code groups} query heads in turn. */
    private NDArray repeatKv(NDArray x, long b, long length) {
        int groups = config.groups();
        if (groups == 1) {
            return x;
        }
        long kvHeads = config.kvHeads();
        long hd = config.headDim();
        return x.expandDims(2).broadcast(new Shape(b, kvHeads, groups, length, hd))
                .reshape(b, kvHeads * groups, length, hd);
    }

    @Override
    public KvCache newCache(NDManager manager, int batch, int capacity) {
        return new HfKvCache(manager, config, batch, capacity);
    }

    @Override
    public TokenScores score(NDArray tokens, NDArray keyMask) {
        long t = tokens.getShape().get(1);
        if (t < 2) {
            throw new IllegalArgumentException("tokens shape " + tokens.getShape() + ": score needs at least 2 positions");
        }
        NDArray logits = forward(tokens, keyMask, null);
        NDArray logp = logits.get(new NDIndex(":, :-1, :")).logSoftmax(-1);
        NDArray next = tokens.get(new NDIndex(":, 1:")).toType(DataType.INT64, false).expandDims(-1);
        NDArray lp = logp.gather(next, 2).squeeze(-1);
        NDArray logpDetached = logp.stopGradient();
        NDArray entropy = logpDetached.exp().muli(logpDetached).sum(new int[] {-1}).negi();
        return new TokenScores(lp, entropy);
    }

    /** The trainable parameters: the adapters with LoRA, otherwise every weight. */
    @Override
    public Map<String, NDArray> parameters() {
        return lora != null && adaptersOn ? adapters : parameters;
    }

    @Override
    public HfDecoder frozenCopy() {
        if (lora != null && adaptersOn) {
            return withAdapters(config, host(parameters), lora, host(adapters), 0, device(), false, contextLength);
        }
        return fromValues(config, host(parameters), device(), false, contextLength);
    }

    private static Map<String, float[]> host(Map<String, NDArray> arrays) {
        Map<String, float[]> values = new LinkedHashMap<>();
        arrays.forEach((k, v) -> values.put(k, v.toFloatArray()));
        return values;
    }

    @Override
    public String description() {
        return config.modelType() + " (" + describe(config) + ", context " + contextLength + ")"
                + (lora == null ? "" : adaptersOn ? ", LoRA rank " + lora.rank() + " on " + lora.targets()
                : ", base of its LoRA adapters");
    }

    /** With LoRA, {@code values} are adapters on this model's base weights; otherwise every weight. */
    @Override
    public HfDecoder withValues(Map<String, float[]> values, boolean trainable) {
        if (lora != null && adaptersOn) {
            return withAdapters(config, host(parameters), lora, values, 0, device(), trainable, contextLength);
        }
        return fromValues(config, values, device(), trainable, contextLength);
    }

    @Override
    public void close() {
        if (ownsManager) {
            manager.close();
        }
    }

    private static NDArray embed(NDArray ids, NDArray table) {
        return ids.getNDArrayInternal().embedding(ids, table, SparseFormat.DENSE).singletonOrThrow();
    }

    private static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
        return x.getNDArrayInternal().linear(x, weight, bias).singletonOrThrow();
    }

    private static String describe(HfConfig c) {
        return c.layers() + " layers, hidden " + c.hiddenSize() + ", " + c.heads() + " heads, " + c.kvHeads()
                + " KV heads, head_dim " + c.headDim() + ", vocab " + c.vocabSize();
    }
}
