package dev.forkpoint.rollout.hf;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Low-rank adapters on some of a decoder's projections, as PEFT's LoRA: {@code W x + (alpha / rank) B (A x)} with
 * {@code A (rank, in)} initialised uniform in {@code +-1/sqrt(in)} (PEFT's kaiming-uniform with a = sqrt(5)) and
 * {@code B (out, rank)} zero, so a fresh adapter leaves the model unchanged. Only A and B train; the base weights
 * stay frozen and, with the adapters switched off, are the KL reference.
 *
 * <p>With {@code dropout > 0} the adapters' input is dropped out (kept values scaled by {@code 1 / (1 - dropout)}),
 * as PEFT's {@code lora_dropout}, in the forwards a learner marks as training ({@code Policy#dropout}) only.
 *
 * @param rank    r, the adapters' inner width
 * @param alpha   the scale numerator: updates are scaled by {@code alpha / rank}
 * @param dropout the probability of dropping each input value of an adapter while training, in [0, 1)
 * @param targets the projections that get adapters, by their Hugging Face module names
 */
public record LoraSpec(int rank, double alpha, double dropout, List<String> targets) {

    /** Every projection an adapter can sit on, in the order of a decoder layer. */
    public static final List<String> TARGETS = List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj",
            "down_proj");

    public LoraSpec {
        if (rank < 1) {
            throw new IllegalArgumentException("lora rank " + rank + ": must be at least 1");
        }
        if (!(alpha > 0) || !Double.isFinite(alpha)) {
            throw new IllegalArgumentException("lora alpha " + alpha + ": must be positive");
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("lora dropout " + dropout + ": must be in [0, 1)");
        }
        targets = List.copyOf(targets);
        if (targets.isEmpty() || !TARGETS.containsAll(targets)) {
            throw new IllegalArgumentException("lora targets " + targets + ": a non-empty subset of " + TARGETS);
        }
    }

    /** Adapters without dropout. */
    public LoraSpec(int rank, double alpha, List<String> targets) {
        this(rank, alpha, 0.0, targets);
    }

    /** The factor of the adapter's output. */
    public double scale() {
        return alpha / rank;
    }

    /** The module path of a target in layer {@code l}, e.g. {@code model.layers.3.self_attn.q_proj}. */
    static String module(int l, String target) {
        String block = target.endsWith("_proj") && List.of("gate_proj", "up_proj", "down_proj").contains(target)
                ? "mlp" : "self_attn";
        return "model.layers." + l + "." + block + "." + target;
    }

    /** Adapter names and shapes, {@code <module>.lora_A.weight (rank, in)} and {@code <module>.lora_B.weight (out, rank)}. */
    public Map<String, long[]> shapes(HfConfig config) {
        Map<String, long[]> base = HfDecoder.parameterShapes(config);
        Map<String, long[]> out = new LinkedHashMap<>();
        for (int l = 0; l < config.layers(); l++) {
            for (String t : TARGETS) {
                if (targets.contains(t)) {
                    long[] w = base.get(module(l, t) + ".weight");
                    out.put(module(l, t) + ".lora_A.weight", new long[] {rank, w[1]});
                    out.put(module(l, t) + ".lora_B.weight", new long[] {w[0], rank});
                }
            }
        }
        return out;
    }

    /** Fresh adapters: A uniform in +-1/sqrt(in) from {@code seed}, B zero. */
    public Map<String, float[]> initialValues(HfConfig config, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : shapes(config).entrySet()) {
            long[] s = e.getValue();
            float[] v = new float[Math.toIntExact(s[0] * s[1])];
            if (e.getKey().endsWith("lora_A.weight")) {
                double bound = 1.0 / Math.sqrt(s[1]);
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) random.nextDouble(-bound, bound);
                }
            }
            out.put(e.getKey(), v);
        }
        return out;
    }

    /**
     * Folds the adapters into the base values: {@code W += (alpha / rank) B A} for every adapted projection, in
     * float32 with a double accumulator per entry. Returns new arrays for the adapted weights, the others as given.
     */
    public Map<String, float[]> merge(HfConfig config, Map<String, float[]> base, Map<String, float[]> adapters) {
        Map<String, float[]> out = new LinkedHashMap<>(base);
        Map<String, long[]> shapes = HfDecoder.parameterShapes(config);
        double scale = scale();
        for (int l = 0; l < config.layers(); l++) {
            for (String t : targets) {
                String m = module(l, t);
                float[] a = adapters.get(m + ".lora_A.weight");
                float[] b = adapters.get(m + ".lora_B.weight");
                if (a == null || b == null) {
                    throw new IllegalArgumentException("adapter " + m + " is missing");
                }
                long[] s = shapes.get(m + ".weight");
                int rows = (int) s[0];
                int cols = (int) s[1];
                float[] w = base.get(m + ".weight").clone();
                for (int i = 0; i < rows; i++) {
                    for (int j = 0; j < cols; j++) {
                        double sum = 0;
                        for (int k = 0; k < rank; k++) {
                            sum += (double) b[i * rank + k] * a[k * cols + j];
                        }
                        w[i * cols + j] += (float) (scale * sum);
                    }
                }
                out.put(m + ".weight", w);
            }
        }
        return out;
    }
}
