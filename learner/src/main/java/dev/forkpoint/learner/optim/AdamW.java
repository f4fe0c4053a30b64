package dev.forkpoint.learner.optim;

import dev.forkpoint.rollout.policy.GradModeOff;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * AdamW (Loshchilov and Hutter) as in {@code torch.optim.AdamW}: decoupled weight decay
 * {@code p -= lr*wd*p}, then {@code p -= lr * m_hat / (sqrt(v_hat) + eps)} with bias-corrected moments. The
 * learning rate rises linearly over {@code warmupSteps}, then stays constant or decays ({@link Decay}). Weight decay applies to
 * matrices and embeddings only (parameters with two or more dimensions), not to biases and LayerNorm gains,
 * as in GPT-2 training code; DJL's own AdamW decays every parameter (docs/architecture.md, "Known DJL facts").
 *
 * <p>Call {@link #step} outside any gradient collector and outside an {@code NDScope}: the updates are in
 * place on the parameters, and a scope would close them.
 */
public final class AdamW implements AutoCloseable {

    /**
     * @param learningRate peak learning rate, reached after the warm-up
     * @param beta1        decay of the first-moment average (0.9)
     * @param beta2        decay of the second-moment average (0.999; RL recipes often use 0.95-0.999)
     * @param eps          added to sqrt(v_hat) for stability (1e-8)
     * @param weightDecay  decoupled decay coefficient, applied as {@code lr * weightDecay * p} (0.01)
     * @param warmupSteps  steps of linear warm-up: step t (1-based) uses {@code lr * min(1, t / warmupSteps)}; 0 = none
     * @param decay        what follows the warm-up: constant, or linear or cosine decay to {@code minLrRatio * lr}
     * @param decaySteps   the optimiser step (warm-up included) at which a decay reaches its floor; at least
     *                     {@code warmupSteps} when it decays
     * @param minLrRatio   the decay's floor as a fraction of {@code learningRate}, in [0, 1]
     */
    public record Config(double learningRate, double beta1, double beta2, double eps, double weightDecay,
                         int warmupSteps, Decay decay, long decaySteps, double minLrRatio) {

        /** Warm-up, then a constant learning rate. */
        public Config(double learningRate, double beta1, double beta2, double eps, double weightDecay,
                      int warmupSteps) {
            this(learningRate, beta1, beta2, eps, weightDecay, warmupSteps, Decay.CONSTANT, 0, 0.0);
        }

        public Config {
            check(learningRate > 0 && Double.isFinite(learningRate), "learningRate", learningRate, "must be > 0");
            check(beta1 >= 0 && beta1 < 1, "beta1", beta1, "must be in [0, 1)");
            check(beta2 >= 0 && beta2 < 1, "beta2", beta2, "must be in [0, 1)");
            check(eps > 0, "eps", eps, "must be > 0");
            check(weightDecay >= 0 && Double.isFinite(weightDecay), "weightDecay", weightDecay, "must be >= 0");
            check(warmupSteps >= 0, "warmupSteps", warmupSteps, "must be >= 0");
            Objects.requireNonNull(decay, "optim.decay");
            check(decay == Decay.CONSTANT || decaySteps >= warmupSteps, "decaySteps", decaySteps,
                    "must be >= warmupSteps = " + warmupSteps);
            check(minLrRatio >= 0 && minLrRatio <= 1, "minLrRatio", minLrRatio, "must be in [0, 1]");
        }

        public static Config defaults(double learningRate) {
            return new Config(learningRate, 0.9, 0.999, 1e-8, 0.01, 0);
        }

        private static void check(boolean ok, String field, double value, String rule) {
            if (!ok) {
                throw new IllegalArgumentException("optim." + field + " = " + value + ": " + rule);
            }
        }
    }

    /**
     * The learning rate after the warm-up, as HuggingFace's {@code get_linear/cosine_schedule_with_warmup} with
     * verl's {@code min_lr_ratio}: with progress {@code p = (t - 1 - warmupSteps) / (decaySteps - warmupSteps)}
     * (0 on the first step after the warm-up, clamped to [0, 1]) the factor is {@code 1 - p} (LINEAR) or
     * {@code (1 + cos(pi p)) / 2} (COSINE), scaled into {@code [minLrRatio, 1]}.
     */
    public enum Decay {
        CONSTANT, LINEAR, COSINE
    }

    private static final ai.djl.ndarray.index.NDIndex ALL = new ai.djl.ndarray.index.NDIndex("...");
    private final Config config;
    /** Owns the moment arrays: they live as long as the optimiser, across steps. */
    private final NDManager manager;
    private final Map<String, NDArray> m = new LinkedHashMap<>();
    private final Map<String, NDArray> v = new LinkedHashMap<>();
    private long step;

    public AdamW(Config config, Map<String, NDArray> parameters) {
        this.config = config;
        this.manager = NDManager.newBaseManager(parameters.values().iterator().next().getDevice());
        for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
            m.put(e.getKey(), manager.zeros(e.getValue().getShape()));
            v.put(e.getKey(), manager.zeros(e.getValue().getShape()));
        }
    }

    public Config config() {
        return config;
    }

    /** Steps taken so far. */
    public long stepCount() {
        return step;
    }

    /** Learning rate used by step {@code t} (1-based). */
    public double learningRate(long t) {
        int warmup = config.warmupSteps();
        if (warmup > 0 && t <= warmup) {
            return config.learningRate() * t / warmup;
        }
        if (config.decay() == Decay.CONSTANT) {
            return config.learningRate();
        }
        long span = config.decaySteps() - warmup;
        double p = span <= 0 ? 1.0 : Math.min(1.0, Math.max(0.0, (double) (t - 1 - warmup) / span));
        double f = config.decay() == Decay.LINEAR ? 1 - p : 0.5 * (1 + Math.cos(Math.PI * p));
        return config.learningRate() * (config.minLrRatio() + (1 - config.minLrRatio()) * f);
    }

    /**
     * One update of every parameter from its current gradient; returns the learning rate used. Runs with autograd
     * off: grad mode is per thread in libtorch, and an in-place update of a leaf that requires grad while it is on
     * is an error (or gets recorded into the next graph).
     */
    public double step(Map<String, NDArray> parameters) {
        try (GradModeOff noGrad = new GradModeOff()) {
            return update(parameters);
        }
    }

    private double update(Map<String, NDArray> parameters) {
        if (!parameters.keySet().equals(m.keySet())) {
            throw new IllegalArgumentException("parameters " + parameters.keySet() + " differ from the optimiser's "
                    + m.keySet());
        }
        step++;
        double lr = learningRate(step);
        double bc1 = 1 - Math.pow(config.beta1(), step);
        double bc2 = 1 - Math.pow(config.beta2(), step);
        for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
            NDArray p = e.getValue();
            NDArray mi = m.get(e.getKey());
            NDArray vi = v.get(e.getKey());
            try (NDArray g = gradient(e.getKey(), p)) {
                List<NDIndex> blocks = RowBlocks.of(p);
                if (blocks == null) {
                    update(p, mi, vi, g, lr, bc1, bc2);
                    continue;
                }
                // A large matrix (an embedding of 10^8 values) a block of rows at a time: the same elementwise
                // arithmetic, with temporaries of one block instead of four of the whole matrix. A range of rows is
                // a view of the tensor, so the in-place update writes through (AdamWTest checks every value).
                for (NDIndex rows : blocks) {
                    try (NDArray pb = p.get(rows); NDArray mb = mi.get(rows); NDArray vb = vi.get(rows);
                         NDArray gb = g.get(rows)) {
                        update(pb, mb, vb, gb, lr, bc1, bc2);
                    }
                }
            }
        }
        return lr;
    }

    /** One AdamW update of {@code p} and its moments, in place, from the gradient {@code g}. */
    private void update(NDArray p, NDArray mi, NDArray vi, NDArray g, double lr, double bc1, double bc2) {
        double b1 = config.beta1();
        double b2 = config.beta2();
        if (config.weightDecay() > 0 && p.getShape().dimension() >= 2) {
            p.muli(1 - lr * config.weightDecay());
        }
        mi.muli(b1);
        try (NDArray t = g.mul(1 - b1)) {
            mi.addi(t);
        }
        vi.muli(b2);
        try (NDArray g2 = g.square()) {
            vi.addi(g2.muli(1 - b2));
        }
        // p -= (lr / bc1) * m / (sqrt(v) / sqrt(bc2) + eps)
        try (NDArray denom = vi.sqrt(); NDArray update = mi.mul(lr / bc1)) {
            denom.divi(Math.sqrt(bc2)).addi(config.eps());
            update.divi(denom);
            p.subi(update);
        }
    }

    /**
     * The optimiser state as named arrays for a checkpoint: {@code step} (a one-element int64 array) and
     * {@code m.<param>}, {@code v.<param>}. The arrays are copies attached to {@code target}.
     */
    public Map<String, NDArray> state(NDManager target) {
        Map<String, NDArray> s = new LinkedHashMap<>();
        s.put("step", target.create(new long[] {step}));
        for (String name : m.keySet()) {
            s.put("m." + name, copy(m.get(name), target));
            s.put("v." + name, copy(v.get(name), target));
        }
        return s;
    }

    /** Restores a state written by {@link #state}; names and shapes must match this optimiser's. */
    public void loadState(Map<String, NDArray> state) {
        NDArray s = state.get("step");
        if (s == null) {
            throw new IllegalArgumentException("optimiser state: 'step' is missing");
        }
        int expected = 1 + 2 * m.size();
        if (state.size() != expected) {
            throw new IllegalArgumentException("optimiser state has " + state.size() + " arrays, expected " + expected);
        }
        for (String name : m.keySet()) {
            load("m." + name, m.get(name), state);
            load("v." + name, v.get(name), state);
        }
        step = s.toLongArray()[0];
    }

    /**
     * Sets every gradient to zero. DJL's PyTorch engine keeps accumulating into a parameter's gradient across
     * gradient collectors (measured in {@code AdamWTest}), so call this before the backward passes of each
     * optimiser step; accumulation over the micro-batches of one step is then intended. NaN/Inf are cleared too.
     */
    public static void zeroGradients(Map<String, NDArray> parameters) {
        try (GradModeOff noGrad = new GradModeOff()) {
            for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
                try (NDArray g = gradient(e.getKey(), e.getValue())) {
                    g.set(ALL, 0);
                }
            }
        }
    }

    @Override
    public void close() {
        manager.close();
    }

    private static void load(String key, NDArray into, Map<String, NDArray> state) {
        NDArray src = state.get(key);
        if (src == null) {
            throw new IllegalArgumentException("optimiser state: '" + key + "' is missing");
        }
        Shape shape = into.getShape();
        if (!src.getShape().equals(shape)) {
            throw new IllegalArgumentException("optimiser state: '" + key + "' has shape " + src.getShape()
                    + ", parameter has " + shape);
        }
        into.set(src.toFloatArray());
    }

    private static NDArray copy(NDArray a, NDManager target) {
        return target.create(a.toFloatArray(), a.getShape());
    }

    static NDArray gradient(String name, NDArray p) {
        try {
            return p.getGradient();
        } catch (IllegalStateException e) {
            throw new IllegalStateException("parameter '" + name + "' has no gradient: " + e.getMessage(), e);
        }
    }
}
