package dev.forkpoint.rollout.policy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in decoder-only transformer (GPT-2 shape): token plus learned absolute position embeddings,
 * pre-LayerNorm blocks of causal multi-head attention and a GELU MLP, a final LayerNorm and an output head
 * tied to the token embedding ({@code logits = h @ wte^T}). Written directly on NDArrays; DJL's transformer
 * blocks are not causal (docs/architecture.md, "Known DJL facts").
 *
 * <p>Every op is called on an activation, never on a parameter: DJL attaches a result to the manager of the
 * array it is called on, so activations land in the caller's (per-step) manager and the parameters'
 * manager never grows.
 */
public final class DecoderTransformer implements Policy {

    private static final Logger log = LoggerFactory.getLogger(DecoderTransformer.class);

    /** Additive attention bias of a blocked key: exp underflows to exactly 0, and unlike -inf a row whose
     *  keys are all blocked (a padding query) stays finite instead of turning into NaN. */
    private static final float BLOCKED = -1e9f;
    private static final float LN_EPS = 1e-5f;

    private final ModelConfig config;
    private final NDManager manager;
    private final Map<String, NDArray> parameters;
    private final Block[] blocks;
    private final NDArray wte;
    private final NDArray wpe;
    private final NDArray lnfGamma;
    private final NDArray lnfBeta;
    /** Zero bias of the tied head: DJL's fused linear takes a bias; not a parameter. */
    private final NDArray headBias;
    private final Shape normShape;

    private record Block(NDArray ln1Gamma, NDArray ln1Beta, NDArray qkvWeight, NDArray qkvBias,
                         NDArray projWeight, NDArray projBias, NDArray ln2Gamma, NDArray ln2Beta,
                         NDArray fcWeight, NDArray fcBias, NDArray mlpProjWeight, NDArray mlpProjBias) {}

    private DecoderTransformer(ModelConfig config, NDManager manager, Map<String, NDArray> parameters) {
        this.config = config;
        this.manager = manager;
        this.parameters = Collections.unmodifiableMap(parameters);
        this.wte = param("wte");
        this.wpe = param("wpe");
        this.lnfGamma = param("ln_f.gamma");
        this.lnfBeta = param("ln_f.beta");
        this.blocks = new Block[config.layers()];
        for (int l = 0; l < config.layers(); l++) {
            String p = "h." + l + ".";
            blocks[l] = new Block(param(p + "ln_1.gamma"), param(p + "ln_1.beta"),
                    param(p + "attn.qkv.weight"), param(p + "attn.qkv.bias"),
                    param(p + "attn.proj.weight"), param(p + "attn.proj.bias"),
                    param(p + "ln_2.gamma"), param(p + "ln_2.beta"),
                    param(p + "mlp.fc.weight"), param(p + "mlp.fc.bias"),
                    param(p + "mlp.proj.weight"), param(p + "mlp.proj.bias"));
        }
        this.headBias = manager.zeros(new Shape(config.vocabSize()));
        this.normShape = new Shape(config.dModel());
    }

    /**
     * A freshly initialised model, GPT-2 style: weights and embeddings ~ N(0, 0.02), the two residual
     * projections of each block scaled by 1/sqrt(2 * layers), biases 0, LayerNorm gain 1. The values come from
     * a {@link Random} seeded with {@code seed}, so they are the same on every engine and device.
     */
    public static DecoderTransformer initialize(ModelConfig config, long seed, Device device) {
        Random rng = new Random(seed);
        double residualStd = 0.02 / Math.sqrt(2.0 * config.layers());
        Map<String, float[]> values = new LinkedHashMap<>();
        Map<String, Shape> shapes = parameterShapes(config);
        for (Map.Entry<String, Shape> e : shapes.entrySet()) {
            String name = e.getKey();
            float[] v = new float[(int) e.getValue().size()];
            if (name.endsWith(".gamma")) {
                Arrays.fill(v, 1f);
            } else if (name.endsWith(".bias") || name.endsWith(".beta")) {
                // zeros
            } else {
                double std = name.endsWith("attn.proj.weight") || name.endsWith("mlp.proj.weight") ? residualStd : 0.02;
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (rng.nextGaussian() * std);
                }
            }
            values.put(name, v);
        }
        return fromValues(config, values, device, true);
    }

    /**
     * A model with the given parameter values (e.g. from a checkpoint), in the order and with the shapes of
     * {@link #parameterShapes}; a missing, extra or mis-sized array is rejected by name.
     */
    public static DecoderTransformer fromValues(ModelConfig config, Map<String, float[]> values, Device device,
                                                boolean trainable) {
        Map<String, Shape> shapes = parameterShapes(config);
        for (String name : values.keySet()) {
            if (!shapes.containsKey(name)) {
                throw new IllegalArgumentException("parameter '" + name + "' is not part of the model " + config);
            }
        }
        NDManager manager = NDManager.newBaseManager(device);
        try {
            Map<String, NDArray> params = new LinkedHashMap<>();
            for (Map.Entry<String, Shape> e : shapes.entrySet()) {
                float[] v = values.get(e.getKey());
                if (v == null) {
                    throw new IllegalArgumentException("parameter '" + e.getKey() + "' is missing");
                }
                if (v.length != e.getValue().size()) {
                    throw new IllegalArgumentException("parameter '" + e.getKey() + "' has " + v.length
                            + " values: shape " + e.getValue() + " needs " + e.getValue().size());
                }
                NDArray a = manager.create(v, e.getValue());
                a.setName(e.getKey());
                if (trainable) {
                    a.setRequiresGradient(true);
                }
                params.put(e.getKey(), a);
            }
            long count = params.values().stream().mapToLong(a -> a.getShape().size()).sum();
            log.info("DecoderTransformer {}: {} parameters on {}{}", config, count, device, trainable ? "" : " (frozen)");
            return new DecoderTransformer(config, manager, params);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** Names and shapes of all parameters, in the stable order used by the optimiser and checkpoints. */
    public static Map<String, Shape> parameterShapes(ModelConfig c) {
        long d = c.dModel();
        long hidden = (long) c.mlpRatio() * d;
        Map<String, Shape> s = new LinkedHashMap<>();
        s.put("wte", new Shape(c.vocabSize(), d));
        s.put("wpe", new Shape(c.contextLength(), d));
        for (int l = 0; l < c.layers(); l++) {
            String p = "h." + l + ".";
            s.put(p + "ln_1.gamma", new Shape(d));
            s.put(p + "ln_1.beta", new Shape(d));
            s.put(p + "attn.qkv.weight", new Shape(3 * d, d));
            s.put(p + "attn.qkv.bias", new Shape(3 * d));
            s.put(p + "attn.proj.weight", new Shape(d, d));
            s.put(p + "attn.proj.bias", new Shape(d));
            s.put(p + "ln_2.gamma", new Shape(d));
            s.put(p + "ln_2.beta", new Shape(d));
            s.put(p + "mlp.fc.weight", new Shape(hidden, d));
            s.put(p + "mlp.fc.bias", new Shape(hidden));
            s.put(p + "mlp.proj.weight", new Shape(d, hidden));
            s.put(p + "mlp.proj.bias", new Shape(d));
        }
        s.put("ln_f.gamma", new Shape(d));
        s.put("ln_f.beta", new Shape(d));
        return s;
    }

    public ModelConfig config() {
        return config;
    }

    @Override
    public int vocabSize() {
        return config.vocabSize();
    }

    @Override
    public int contextLength() {
        return config.contextLength();
    }

    @Override
    public Device device() {
        return manager.getDevice();
    }

    @Override
    public NDArray forward(NDArray tokens, NDArray keyMask, KvCache cache) {
        Shape ts = tokens.getShape();
        if (ts.dimension() != 2) {
            throw new IllegalArgumentException("tokens shape " + ts + ": must be (batch, time)");
        }
        long b = ts.get(0);
        long t = ts.get(1);
        DecoderKvCache kv = null;
        if (cache != null) {
            if (!(cache instanceof DecoderKvCache k)) {
                throw new IllegalArgumentException("cache " + cache.getClass().getName() + " was not made by this model");
            }
            kv = k;
            kv.checkRoom(t, b);
        }
        long past = kv == null ? 0 : kv.length();
        long total = past + t;
        if (!keyMask.getShape().equals(new Shape(b, total))) {
            throw new IllegalArgumentException("keyMask shape " + keyMask.getShape() + ": must be (batch, cached + new) = "
                    + new Shape(b, total));
        }
        if (total > config.contextLength()) {
            throw new IllegalArgumentException("sequence length " + total + " exceeds model.contextLength = "
                    + config.contextLength());
        }
        NDManager m = tokens.getManager();
        long d = config.dModel();
        long heads = config.heads();
        long hd = config.headDim();

        // Positions count real tokens only, so left padding does not shift them (Policy javadoc).
        NDArray mask = keyMask.toType(DataType.INT64, false);
        NDArray positions = mask.cumSum(1).subi(1).clip(0, Long.MAX_VALUE);
        if (past > 0) {
            positions = positions.get(new NDIndex(":, {}:", past));
        }
        NDArray ids = tokens.toType(DataType.INT64, false);
        NDArray x = embed(ids, wte).addi(embed(positions, wpe));

        // Blocked = a future key (causal) or another position's padding key; one additive bias (B, 1, T, total)
        // for all layers. A query always sees itself, so a padding query attends only to itself: its (unused)
        // output is then the same with and without the cache instead of depending on how many keys exist.
        NDArray keyIdx = m.arange(0f, (float) total);
        NDArray queryIdx = m.arange((float) past, (float) total).reshape(t, 1);
        NDArray future = keyIdx.gt(queryIdx);
        NDArray otherPadding = mask.eq(0).reshape(b, 1, 1, total).logicalAnd(keyIdx.neq(queryIdx));
        NDArray bias = future.logicalOr(otherPadding).toType(DataType.FLOAT32, false).muli(BLOCKED);

        float scale = (float) (1.0 / Math.sqrt(hd));
        for (int l = 0; l < blocks.length; l++) {
            Block blk = blocks[l];
            NDArray h = layerNorm(x, blk.ln1Gamma, blk.ln1Beta);
            NDArray qkv = linear(h, blk.qkvWeight, blk.qkvBias).reshape(b, t, 3, heads, hd).transpose(2, 0, 3, 1, 4);
            NDArray q = qkv.get(0).mul(AutogradScalar.of(qkv, scale));
            NDArray k = qkv.get(1);
            NDArray v = qkv.get(2);
            if (kv != null) {
                NDArray[] all = kv.append(l, k, v, m);
                k = all[0];
                v = all[1];
            }
            NDArray att = q.matMul(k.transpose(0, 1, 3, 2)).addi(bias).softmax(-1);
            NDArray y = att.matMul(v).transpose(0, 2, 1, 3).reshape(b, t, d);
            x = x.add(linear(y, blk.projWeight, blk.projBias));
            NDArray h2 = layerNorm(x, blk.ln2Gamma, blk.ln2Beta);
            NDArray f = linear(h2, blk.fcWeight, blk.fcBias);
            f = f.getNDArrayInternal().gelu();
            x = x.add(linear(f, blk.mlpProjWeight, blk.mlpProjBias));
        }
        if (kv != null) {
            kv.advance(t);
        }
        NDArray hf = layerNorm(x, lnfGamma, lnfBeta);
        return linear(hf, wte, headBias);
    }

    @Override
    public KvCache newCache(NDManager manager, int batch, int capacity) {
        return new DecoderKvCache(manager, config, batch, capacity);
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
        // H = logsumexp(z) - sum softmax(z) z = -sum p log p, detached (docs/algorithms.md, notation).
        NDArray logpDetached = logp.stopGradient();
        NDArray entropy = logpDetached.exp().muli(logpDetached).sum(new int[] {-1}).negi();
        return new TokenScores(lp, entropy);
    }

    @Override
    public Map<String, NDArray> parameters() {
        return parameters;
    }

    @Override
    public DecoderTransformer frozenCopy() {
        return fromValues(config, parameterValues(), device(), false);
    }

    @Override
    public String description() {
        return "built-in " + config;
    }

    @Override
    public DecoderTransformer withValues(Map<String, float[]> values, boolean trainable) {
        return fromValues(config, values, device(), trainable);
    }

    /** Host copies of all parameter values, in {@link #parameterShapes} order. */
    @Override
    public Map<String, float[]> parameterValues() {
        Map<String, float[]> values = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
            values.put(e.getKey(), e.getValue().toFloatArray());
        }
        return values;
    }

    @Override
    public void close() {
        manager.close();
    }

    private NDArray param(String name) {
        NDArray a = parameters.get(name);
        if (a == null) {
            throw new IllegalStateException("parameter '" + name + "' missing");
        }
        return a;
    }

    private static NDArray embed(NDArray ids, NDArray table) {
        return ids.getNDArrayInternal().embedding(ids, table, SparseFormat.DENSE).singletonOrThrow();
    }

    private static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
        return x.getNDArrayInternal().linear(x, weight, bias).singletonOrThrow();
    }

    private NDArray layerNorm(NDArray x, NDArray gamma, NDArray beta) {
        return x.getNDArrayInternal().layerNorm(x, normShape, gamma, beta, LN_EPS).singletonOrThrow();
    }
}
