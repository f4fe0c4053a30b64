package dev.forkpoint.rollout.sampler;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sampled frequencies match the intended distribution (chi-square at a fixed seed). */
class GumbelMaxSamplerTest {

    private static final float[] LOGITS = {2.0f, 1.0f, 0.5f, 0.0f, -1.0f, -3.0f};
    private static final int DRAWS = 20_000;
    /** Chi-square critical value, 5 degrees of freedom, p = 0.001. */
    private static final double CRITICAL_DF5 = 20.515;

    @Test
    void frequenciesMatchSoftmaxAtTwoTemperaturesInOneBatch() {
        // rows 0..DRAWS-1 at T=0.7, rows DRAWS..2*DRAWS-1 at T=1.6: per-row temperature in one call
        long[][] counts = sample(new double[] {0.7, 1.6}, 1.0, 11L);
        for (int k = 0; k < 2; k++) {
            double t = k == 0 ? 0.7 : 1.6;
            double chi = chiSquare(counts[k], softmax(LOGITS, t));
            assertTrue(chi < CRITICAL_DF5, "T=" + t + ": chi-square " + chi + " >= " + CRITICAL_DF5);
            // power check: the same counts are far from the T=1 distribution
            double wrong = chiSquare(counts[k], softmax(LOGITS, 1.0));
            assertTrue(wrong > 10 * CRITICAL_DF5, "T=" + t + ": counts do not tell T from 1 (chi " + wrong + ")");
        }
    }

    @Test
    void topPSamplesFromTheRenormalisedNucleus() {
        double topP = 0.8;
        double t = 1.2;
        double[] p = softmax(LOGITS, t);
        // nucleus by hand: logits are sorted descending, so it is a prefix
        double[] expected = new double[p.length];
        double mass = 0;
        double kept = 0;
        for (int j = 0; j < p.length && mass < topP; j++) {
            expected[j] = p[j];
            kept += p[j];
            mass += p[j];
        }
        for (int j = 0; j < p.length; j++) {
            expected[j] /= kept;
        }
        long[] counts = sample(new double[] {t}, topP, 5L)[0];
        int inNucleus = 0;
        for (int j = 0; j < p.length; j++) {
            if (expected[j] == 0) {
                assertEquals(0, counts[j], "token " + j + " is outside the top-p nucleus but was sampled");
            } else {
                inNucleus++;
            }
        }
        assertTrue(inNucleus >= 2 && inNucleus < p.length, "test logits should give a proper nucleus");
        long[] keptCounts = java.util.Arrays.copyOf(counts, inNucleus);
        double[] keptExpected = java.util.Arrays.copyOf(expected, inNucleus);
        double chi = chiSquare(keptCounts, keptExpected);
        double critical = new double[] {0, 10.828, 13.816, 16.266, 18.467}[inNucleus - 1];
        assertTrue(chi < critical, "top-p chi-square " + chi + " >= " + critical);
    }

    @Test
    void distributionIsRenormalisedNucleus() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray z = m.create(LOGITS, new Shape(1, LOGITS.length));
            float[] q = GumbelMaxSampler.distribution(z, m.create(new float[] {1f}, new Shape(1, 1)), 0.5)
                    .toFloatArray();
            double[] p = softmax(LOGITS, 1.0);
            // p[0] = 0.52 > 0.5: the nucleus is token 0 alone
            assertTrue(p[0] > 0.5 && p[0] < 0.8, "test premise: p0 = " + p[0]);
            assertEquals(1.0, q[0], 1e-6);
            for (int j = 1; j < q.length; j++) {
                assertEquals(0.0, q[j], 0.0, "token " + j);
            }
        }
    }

    @Test
    void extremeUniformsStayInsideTheOpenInterval() {
        // the largest and smallest bins must give finite noise in float32
        float top = GumbelNoise.uniform(0xFFFFFFFF);
        float bottom = GumbelNoise.uniform(0);
        assertTrue(top < 1f && bottom > 0f, top + " " + bottom);
        try (NDManager m = NDManager.newBaseManager()) {
            float[] g = new GumbelNoise(1L).next(m, 300, 1000).toFloatArray();
            for (float x : g) {
                assertTrue(Float.isFinite(x), "Gumbel noise must be finite");
            }
            float[] edge = m.create(new float[] {top, bottom}).log().neg().log().neg().toFloatArray();
            assertTrue(Float.isFinite(edge[0]) && Float.isFinite(edge[1]), edge[0] + " " + edge[1]);
        }
    }

    /** Counts per temperature group; rows of group k all have temperature temps[k]. */
    private static long[][] sample(double[] temps, double topP, long seed) {
        int rows = DRAWS * temps.length;
        int v = LOGITS.length;
        float[] flat = new float[rows * v];
        float[] t = new float[rows];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(LOGITS, 0, flat, i * v, v);
            t[i] = (float) temps[i / DRAWS];
        }
        long[][] counts = new long[temps.length][v];
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray z = m.create(flat, new Shape(rows, v));
            NDArray temperature = m.create(t, new Shape(rows, 1));
            NDArray noise = new GumbelNoise(seed).next(m, rows, v);
            long[] ids = GumbelMaxSampler.sample(z, temperature, topP, noise).toLongArray();
            for (int i = 0; i < rows; i++) {
                counts[i / DRAWS][(int) ids[i]]++;
            }
        }
        return counts;
    }

    static double[] softmax(float[] z, double t) {
        double max = Double.NEGATIVE_INFINITY;
        for (float x : z) {
            max = Math.max(max, x / t);
        }
        double[] p = new double[z.length];
        double sum = 0;
        for (int j = 0; j < z.length; j++) {
            p[j] = Math.exp(z[j] / t - max);
            sum += p[j];
        }
        for (int j = 0; j < z.length; j++) {
            p[j] /= sum;
        }
        return p;
    }

    private static double chiSquare(long[] counts, double[] p) {
        long n = 0;
        for (long c : counts) {
            n += c;
        }
        double chi = 0;
        for (int j = 0; j < counts.length; j++) {
            double e = n * p[j];
            chi += (counts[j] - e) * (counts[j] - e) / e;
        }
        return chi;
    }
}
