package dev.forkpoint.rollout.sampler;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.DataType;

/**
 * The per-step sampling kernel, vectorised over the batch: {@code argmax(z / T + G)} with standard
 * Gumbel noise {@code G} draws exactly from {@code softmax(z / T)} (DJL has no multinomial sampler).
 * With top-p, logits outside the nucleus are set to -inf before the argmax, which samples from the
 * renormalised nucleus.
 */
public final class GumbelMaxSampler {

    private GumbelMaxSampler() {
    }

    /**
     * Full-vocabulary entropy {@code H = -sum p ln p} (nats) per row of T=1 log-probabilities
     * {@code (B, V)}; equal to {@code logsumexp(z) - sum softmax(z) z} (docs/algorithms.md, notation).
     */
    public static NDArray entropy(NDArray logProbs) {
        return logProbs.exp().mul(logProbs).sum(new int[] {1}).neg();
    }

    /**
     * Logits whose softmax is the distribution actually sampled: {@code z / T} per row, and -inf outside
     * the top-p nucleus when {@code topP < 1}. The nucleus is the smallest set of most probable tokens
     * whose mass reaches {@code topP}; it is found as a per-row probability threshold (sorted, no
     * scatter), so a token tied with the smallest kept probability is kept too.
     *
     * @param logits      {@code (B, V)} at T=1
     * @param temperature {@code (B, 1)}
     */
    public static NDArray samplingLogits(NDArray logits, NDArray temperature, double topP) {
        NDArray scaled = logits.div(temperature);
        if (topP >= 1.0) {
            return scaled;
        }
        NDArray probs = scaled.softmax(1);
        NDArray ascending = probs.sort(1);
        // mass of the tokens ranked strictly above each sorted token; kept while that mass < topP
        NDArray massAbove = ascending.cumSum(1).neg().add(1f);
        NDArray kept = massAbove.lt((float) topP);
        // smallest kept probability per row (2 is larger than any probability)
        NDArray threshold = NDArrays.where(kept, ascending, ascending.onesLike().mul(2f)).min(new int[] {1}, true);
        NDArray inNucleus = probs.gte(threshold);
        NDArray minusInf = scaled.onesLike().mul(Float.NEGATIVE_INFINITY);
        return NDArrays.where(inNucleus, scaled, minusInf);
    }

    /** The distribution sampled from, {@code softmax(samplingLogits)}: what the chi-square test checks. */
    public static NDArray distribution(NDArray logits, NDArray temperature, double topP) {
        return samplingLogits(logits, temperature, topP).softmax(1);
    }

    /**
     * Sampled ids {@code (B,)} int64.
     *
     * @param gumbel standard Gumbel noise {@code (B, V)}, see {@link GumbelNoise}
     */
    public static NDArray sample(NDArray logits, NDArray temperature, double topP, NDArray gumbel) {
        return samplingLogits(logits, temperature, topP).add(gumbel).argMax(1).toType(DataType.INT64, false);
    }
}
