package dev.forkpoint.rollout.policy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Map;

/**
 * A causal language-model policy pi_theta.
 *
 * <p>Layout conventions shared by the sampler and the learner: token ids are int64 {@code (B, T)};
 * {@code keyMask} is {@code (B, Tpast + T)} with 1 for real tokens and 0 for padding (prompts are
 * left-padded in a batch). Positions are derived from the mask ({@code cumsum(keyMask) - 1}, clipped at
 * 0), so left padding does not shift positions.
 */
public interface Policy extends AutoCloseable {

    /** Rows of the output head: the ids a logit exists for (may exceed the tokenizer's vocabulary). */
    int vocabSize();

    /** Longest prompt + response the model takes, in tokens. */
    int contextLength();

    /** Device holding the parameters (the device actually used, after {@code auto} was resolved). */
    Device device();

    /**
     * Logits {@code (B, T, V)} for {@code tokens (B, T)} at temperature 1.
     *
     * @param keyMask mask over the cached positions followed by the {@code T} new ones
     * @param cache   null for a full forward; otherwise keys/values of the new tokens are appended to it
     *                and attention covers the cached positions too
     */
    NDArray forward(NDArray tokens, NDArray keyMask, KvCache cache);

    /**
     * Logits {@code (B, V)} of the last of the {@code T} positions only, as {@link #forward} computes them: what
     * sampling needs after a prefill, without the head's {@code (B, T, V)} for the prompt positions.
     */
    default NDArray lastLogits(NDArray tokens, NDArray keyMask, KvCache cache) {
        NDArray logits = forward(tokens, keyMask, cache);
        Shape s = logits.getShape();
        return s.get(1) == 1 ? logits.reshape(s.get(0), s.get(2)) : logits.get(new NDIndex(":, -1, :"));
    }

    /** An empty cache for {@code batch} sequences of up to {@code capacity} positions, on {@code manager}. */
    KvCache newCache(NDManager manager, int batch, int capacity);

    /**
     * Per-token log-probability at T=1 of {@code tokens[:, t+1]} given the prefix, and the full-vocabulary
     * entropy there, both {@code (B, T-1)}. The log-probabilities carry gradient when recorded inside a
     * gradient collector; the entropies are always detached (docs/algorithms.md, notation).
     */
    TokenScores score(NDArray tokens, NDArray keyMask);

    /**
     * Trainable parameters by name in a stable order (the optimiser and checkpoints use these names). The
     * arrays have gradients attached, so a loss recorded in a gradient collector reaches them.
     */
    Map<String, NDArray> parameters();

    /** Host copies of every parameter's values, by name in {@link #parameters()} order. */
    default Map<String, float[]> parameterValues() {
        Map<String, float[]> values = new java.util.LinkedHashMap<>();
        parameters().forEach((k, v) -> values.put(k, v.toFloatArray()));
        return values;
    }

    /** The architecture in a few words, for logs. */
    String description();

    /** A frozen deep copy (no gradient), e.g. the reference policy of the KL term. */
    Policy frozenCopy();

    /**
     * A new policy of the same architecture and context holding {@code values} (by parameter name, every one of
     * {@link #parameters()}), e.g. a reference policy stored in a checkpoint.
     */
    Policy withValues(Map<String, float[]> values, boolean trainable);

    @Override
    void close();

    /** Log-probabilities and entropies of a scored batch. */
    record TokenScores(NDArray logProbs, NDArray entropy) {}

    /**
     * The input of the output head for a full forward, so that a learner can take log-probabilities and entropies
     * chunk by chunk instead of materialising {@code (B, T, V)} logits ({@link ChunkedHead}). Null for a policy whose
     * head cannot be split off.
     *
     * @param recompute gradient checkpointing: keep only what the backward needs to recompute the activations
     *                  (slower, much less memory), instead of recording the whole forward
     */
    default Head head(NDArray tokens, NDArray keyMask, boolean recompute) {
        return null;
    }

    /**
     * Marks what runs until the returned handle closes as a training forward/backward (dropout on, as a module in
     * train mode): a policy with dropout draws its masks from {@code seed} deterministically, so recomputing a piece
     * of the forward draws the same ones. The default, and a policy without dropout, does nothing.
     */
    default Dropout dropout(long seed) {
        return () -> { };
    }

    /** The scope of {@link #dropout}. */
    interface Dropout extends AutoCloseable {
        @Override
        void close();
    }

    /** The output head's input ({@link #head}): {@code logits = hidden weight^T}. */
    interface Head {

        /** {@code (B, T, H)}, not recorded for gradients. */
        NDArray hidden();

        /** {@code (V, H)}, not recorded for gradients. */
        NDArray weight();

        /**
         * The live gradient of the head's weight (writes to it change the parameter's gradient; see
         * {@link LiveGradient}), on the tokens' manager; null when the weight takes no gradient (a frozen base under
         * LoRA).
         */
        NDArray weightGradient(GradientCollector collector);

        /**
         * Adds to the policy's parameter gradients what {@code dHidden = dL/dhidden} implies, through backward
         * passes on {@code collector} (the head weight's own term goes through {@link #weightGradient}).
         */
        void backward(GradientCollector collector, NDArray dHidden);
    }

}
