package dev.forkpoint.rollout.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The NDArray forward against a plain-Java GPT-2 forward written from the formulas (double precision), with
 * large random parameters so that a wrong scale, head split, norm, activation or residual shows in the logits.
 */
class DecoderTransformerReferenceTest {

    static final ModelConfig C = new ModelConfig(13, 2, 2, 8, 8, 2);

    @Test
    void logitsMatchAPlainJavaReferenceForward() {
        Random rng = new Random(5);
        Map<String, float[]> values = new LinkedHashMap<>();
        for (Map.Entry<String, Shape> e : DecoderTransformer.parameterShapes(C).entrySet()) {
            float[] v = new float[(int) e.getValue().size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (e.getKey().endsWith("gamma") ? 1 + 0.3 * rng.nextGaussian() : 0.5 * rng.nextGaussian());
            }
            values.put(e.getKey(), v);
        }
        long[] tokens = {1, 7, 3, 12, 0, 5};
        double[][] expected = reference(values, tokens);
        try (DecoderTransformer model = DecoderTransformer.fromValues(C, values, Device.cpu(), false);
             NDManager m = NDManager.newBaseManager()) {
            float[] actual = model.forward(m.create(tokens, new Shape(1, tokens.length)),
                    m.ones(new Shape(1, tokens.length)), null).toFloatArray();
            for (int t = 0; t < tokens.length; t++) {
                for (int j = 0; j < C.vocabSize(); j++) {
                    assertEquals(expected[t][j], actual[t * C.vocabSize() + j], 1e-4 * Math.max(1, Math.abs(expected[t][j])),
                            "logit [" + t + "][" + j + "]");
                }
            }
        }
    }

    static double[][] reference(Map<String, float[]> p, long[] tokens) {
        int d = C.dModel();
        int n = tokens.length;
        int heads = C.heads();
        int hd = C.headDim();
        double[][] x = new double[n][d];
        for (int t = 0; t < n; t++) {
            for (int i = 0; i < d; i++) {
                x[t][i] = p.get("wte")[(int) tokens[t] * d + i] + p.get("wpe")[t * d + i];
            }
        }
        for (int l = 0; l < C.layers(); l++) {
            String pre = "h." + l + ".";
            double[][] h = layerNorm(x, p.get(pre + "ln_1.gamma"), p.get(pre + "ln_1.beta"));
            double[][] qkv = linear(h, p.get(pre + "attn.qkv.weight"), p.get(pre + "attn.qkv.bias"), 3 * d);
            double[][] y = new double[n][d];
            for (int hh = 0; hh < heads; hh++) {
                for (int t = 0; t < n; t++) {
                    double[] s = new double[t + 1];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int u = 0; u <= t; u++) {
                        double dot = 0;
                        for (int e = 0; e < hd; e++) {
                            dot += qkv[t][hh * hd + e] * qkv[u][d + hh * hd + e];
                        }
                        s[u] = dot / Math.sqrt(hd);
                        max = Math.max(max, s[u]);
                    }
                    double z = 0;
                    for (int u = 0; u <= t; u++) {
                        s[u] = Math.exp(s[u] - max);
                        z += s[u];
                    }
                    for (int u = 0; u <= t; u++) {
                        for (int e = 0; e < hd; e++) {
                            y[t][hh * hd + e] += s[u] / z * qkv[u][2 * d + hh * hd + e];
                        }
                    }
                }
            }
            add(x, linear(y, p.get(pre + "attn.proj.weight"), p.get(pre + "attn.proj.bias"), d));
            double[][] f = linear(layerNorm(x, p.get(pre + "ln_2.gamma"), p.get(pre + "ln_2.beta")),
                    p.get(pre + "mlp.fc.weight"), p.get(pre + "mlp.fc.bias"), C.mlpRatio() * d);
            for (double[] row : f) {
                for (int i = 0; i < row.length; i++) {
                    row[i] = 0.5 * row[i] * (1 + erf(row[i] / Math.sqrt(2)));
                }
            }
            add(x, linear(f, p.get(pre + "mlp.proj.weight"), p.get(pre + "mlp.proj.bias"), d));
        }
        return linear(layerNorm(x, p.get("ln_f.gamma"), p.get("ln_f.beta")), p.get("wte"), null, C.vocabSize());
    }

    static double[][] layerNorm(double[][] x, float[] g, float[] b) {
        double[][] out = new double[x.length][];
        for (int t = 0; t < x.length; t++) {
            double mean = 0;
            for (double v : x[t]) {
                mean += v;
            }
            mean /= x[t].length;
            double var = 0;
            for (double v : x[t]) {
                var += (v - mean) * (v - mean);
            }
            var /= x[t].length;
            out[t] = new double[x[t].length];
            for (int i = 0; i < x[t].length; i++) {
                out[t][i] = (x[t][i] - mean) / Math.sqrt(var + 1e-5) * g[i] + b[i];
            }
        }
        return out;
    }

    /** x @ W^T + b with W stored (out, in) row-major. */
    static double[][] linear(double[][] x, float[] w, float[] b, int out) {
        int in = x[0].length;
        double[][] y = new double[x.length][out];
        for (int t = 0; t < x.length; t++) {
            for (int o = 0; o < out; o++) {
                double s = b == null ? 0 : b[o];
                for (int i = 0; i < in; i++) {
                    s += w[o * in + i] * x[t][i];
                }
                y[t][o] = s;
            }
        }
        return y;
    }

    static void add(double[][] x, double[][] y) {
        for (int t = 0; t < x.length; t++) {
            for (int i = 0; i < x[t].length; i++) {
                x[t][i] += y[t][i];
            }
        }
    }

    /** erf by Abramowitz and Stegun 7.1.26 (absolute error below 1.5e-7). */
    static double erf(double v) {
        double s = Math.signum(v);
        double a = Math.abs(v);
        double t = 1 / (1 + 0.3275911 * a);
        double poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
        return s * (1 - poly * Math.exp(-a * a));
    }
}
