package dev.forkpoint.rollout.policy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;

/**
 * Log-probabilities, entropies and their gradient through the output head, a chunk of tokens at a time, so that no
 * {@code [tokens x vocabulary]} array outlives its chunk (as "Cut Your Losses in Large-Vocabulary Language Models"
 * does for cross-entropy). With {@code z = h W^T} per token:
 *
 * <ul>
 *   <li>forward, without recording: {@code lse = logsumexp(z)}, {@code log p(y) = z_y - lse} and the entropy
 *       {@code H = lse - sum_v p_v z_v};</li>
 *   <li>backward, by hand: given {@code g = dL / dlog p(y)} per token, {@code dL/dz = g (onehot(y) - p)}, so
 *       {@code dL/dh = (dL/dz) W} and {@code dL/dW = sum over tokens (dL/dz)^T h}, the logits recomputed per
 *       chunk, {@code dW} added per slice of the vocabulary into the head weight's gradient (the tied
 *       embedding's, when tied) in place; then {@link Policy.Head#backward} carries {@code dh} into the trunk's
 *       gradients.</li>
 * </ul>
 *
 * The entropies are detached, as everywhere in the learner (docs/algorithms.md, notation), so nothing flows back
 * through them.
 */
public final class ChunkedHead {

    /** Bytes of one {@code (chunk, vocabulary)} float array that {@link #autoChunk} aims at. */
    private static final long CHUNK_BYTES = 64L << 20;
    /** Bytes of one {@code (slice, hidden)} piece of the weight's gradient added in place by {@link #backward}. */
    private static final long SLICE_BYTES = 16L << 20;

    private ChunkedHead() {}

    /** Tokens per chunk so that one (chunk, V) float32 array is about 64 MiB; at least 1. */
    public static int autoChunk(long vocabulary) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, CHUNK_BYTES / (4 * vocabulary)));
    }

    /**
     * {@code log p(tokens[:, t+1])} and the entropy at every position {@code t < T-1}, both {@code (B, T-1)}, not
     * recorded for gradients (use {@link #backward} for those).
     */
    public static Policy.TokenScores scores(Policy.Head head, NDArray tokens, int chunk) {
        Flat f = Flat.of(head, tokens);
        NDManager parent = f.hidden.getManager();
        List<NDArray> lps = new ArrayList<>();
        List<NDArray> ents = new ArrayList<>();
        for (long from = 0; from < f.n; from += chunk) {
            long to = Math.min(f.n, from + chunk);
            try (NDManager cm = parent.newSubManager()) {
                Chunk c = f.chunk(from, to, cm);
                NDArray zy = c.z.gather(c.y.reshape(to - from, 1), 1).squeeze(1);
                NDArray lp = zy.sub(c.lse);
                NDArray entropy = c.lse.sub(c.p.mul(c.z).sum(new int[] {1}));
                lp.attach(parent);
                entropy.attach(parent);
                lps.add(lp);
                ents.add(entropy);
            }
        }
        Shape out = new Shape(f.batch, f.time - 1);
        return new Policy.TokenScores(concat(lps).reshape(out), concat(ents).reshape(out));
    }

    /**
     * Carries {@code dLogProbs = dL / dlog p} {@code (B, T-1)} back through the head into the gradients of the
     * parameters that produced {@code head}, a chunk of tokens at a time: {@code dL/dh} is collected and handed to
     * {@link Policy.Head#backward}; {@code dL/dW} is added into the weight's gradient in place, a slice of the
     * vocabulary at a time, so that no {@code [vocabulary x hidden]} temporary exists besides the gradient itself.
     * The weight's term is skipped when it takes no gradient (a frozen base under LoRA).
     */
    public static void backward(GradientCollector collector, Policy.Head head, NDArray tokens, NDArray dLogProbs,
                                int chunk) {
        backward(collector, head, tokens, dLogProbs, chunk, 0);
    }

    /**
     * {@link #backward(GradientCollector, Policy.Head, NDArray, NDArray, int)} with {@code vocabSlice} rows of the
     * weight's gradient per in-place addition ({@code 0}: about 16 MiB of gradient per slice).
     */
    public static void backward(GradientCollector collector, Policy.Head head, NDArray tokens, NDArray dLogProbs,
                                int chunk, int vocabSlice) {
        Flat f = Flat.of(head, tokens);
        NDManager parent = f.hidden.getManager();
        NDArray g = dLogProbs.stopGradient().toType(DataType.FLOAT32, false).reshape(f.n);
        NDArray weightGrad = head.weightGradient(collector);
        long slice = vocabSlice > 0 ? vocabSlice : Math.max(1, Math.min(f.vocab, SLICE_BYTES / (4 * f.hiddenSize)));
        List<NDArray> dhs = new ArrayList<>();
        for (long from = 0; from < f.n; from += chunk) {
            long to = Math.min(f.n, from + chunk);
            try (NDManager cm = parent.newSubManager()) {
                Chunk c = f.chunk(from, to, cm);
                NDArray gc = g.get(new NDIndex("{}:{}", from, to));
                gc.attach(cm);
                // dL/dz = g (onehot(y) - p), row by row.
                NDArray dz = c.y.oneHot((int) f.vocab).subi(c.p).muli(gc.reshape(to - from, 1));
                NDArray dh = dz.matMul(f.weight);
                dh.attach(parent);
                dhs.add(dh);
                if (weightGrad != null) {
                    // dL/dW[a:b] += dz[:, a:b]^T h: one (slice, hidden) product at a time.
                    for (long a = 0; a < f.vocab; a += slice) {
                        long b = Math.min(f.vocab, a + slice);
                        try (NDArray part = dz.get(new NDIndex(":, {}:{}", a, b));
                             NDArray dW = part.transpose().matMul(c.h)) {
                            LiveGradient.addSlice(weightGrad, a, b, dW);
                        }
                    }
                }
            }
        }
        NDArray dh = concat(dhs).reshape(f.batch, f.time - 1, f.hiddenSize);
        // The last position predicts nothing here: its hidden state gets no gradient from the head.
        NDArray dhFull = dh.concat(parent.zeros(new Shape(f.batch, 1, f.hiddenSize)), 1);
        head.backward(collector, dhFull);
    }

    private static NDArray concat(List<NDArray> parts) {
        return parts.size() == 1 ? parts.get(0) : NDArrays.concat(new NDList(parts), 0);
    }

    /**
     * The head's input flattened to (N, H) rows with their targets, detached; every array on the tokens' manager
     * (the caller's scope), never on the model's.
     */
    private record Flat(NDArray hidden, NDArray weight, NDArray weightT, NDArray targets, long batch, long time,
                        long hiddenSize, long vocab, long n) {

        static Flat of(Policy.Head head, NDArray tokens) {
            Shape hs = head.hidden().getShape();
            long b = hs.get(0);
            long t = hs.get(1);
            long h = hs.get(2);
            if (t < 2) {
                throw new IllegalArgumentException("hidden shape " + hs + ": scoring needs at least 2 positions");
            }
            NDManager scope = tokens.getManager();
            NDArray hidden = head.hidden().stopGradient().get(new NDIndex(":, :-1, :")).reshape(b * (t - 1), h);
            NDArray targets = tokens.get(new NDIndex(":, 1:")).toType(DataType.INT64, false).reshape(b * (t - 1));
            NDArray weight = head.weight().stopGradient();
            weight.attach(scope);
            NDArray weightT = weight.transpose();
            hidden.attach(scope);
            targets.attach(scope);
            return new Flat(hidden, weight, weightT, targets, b, t, h, weight.getShape().get(0), b * (t - 1));
        }

        /** Rows [from, to): their logits, log-sum-exp and softmax, on {@code cm}. */
        Chunk chunk(long from, long to, NDManager cm) {
            NDArray h = hidden.get(new NDIndex("{}:{}", from, to));
            h.attach(cm);
            NDArray y = targets.get(new NDIndex("{}:{}", from, to));
            y.attach(cm);
            NDArray z = h.matMul(weightT);
            NDArray max = z.max(new int[] {1}, true);
            NDArray e = z.sub(max).exp();
            NDArray sum = e.sum(new int[] {1}, true);
            NDArray lse = sum.log().add(max).squeeze(1);
            NDArray p = e.divi(sum);
            return new Chunk(h, y, z, lse, p);
        }
    }

    /** One chunk's arrays, all on its own manager. */
    private record Chunk(NDArray h, NDArray y, NDArray z, NDArray lse, NDArray p) {}
}
