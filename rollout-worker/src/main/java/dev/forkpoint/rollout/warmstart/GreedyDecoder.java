package dev.forkpoint.rollout.warmstart;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.forkpoint.rollout.policy.KvCache;
import dev.forkpoint.rollout.policy.Policy;
import java.util.Arrays;

/**
 * Greedy (argmax, T=0) batched decoding with the policy's KV cache, for evaluation only: prompts are
 * left-padded, prefilled once, then one position per step; a row stops at its eos. Kept minimal and local to
 * the warm start; rollouts use the sampler, which records log-probs, entropies and temperatures.
 */
public final class GreedyDecoder {

    private final Policy policy;
    private final int padId;
    private final int eosId;

    public GreedyDecoder(Policy policy, int padId, int eosId) {
        this.policy = policy;
        this.padId = padId;
        this.eosId = eosId;
    }

    /**
     * Generated ids per prompt, eos excluded, at most {@code maxNewTokens} each (fewer when the context
     * length would be exceeded).
     *
     * @param manager scratch arrays live in a sub-manager of it, closed before returning
     */
    public int[][] decode(int[][] prompts, int maxNewTokens, NDManager manager) {
        int batch = prompts.length;
        int width = 0;
        for (int[] p : prompts) {
            if (p.length == 0) {
                throw new IllegalArgumentException("greedy decoding: every prompt needs at least one token (bos)");
            }
            width = Math.max(width, p.length);
        }
        int steps = Math.min(maxNewTokens, policy.config().contextLength() - width);
        if (steps < 1) {
            throw new IllegalArgumentException("greedy decoding: longest prompt (" + width
                    + " tokens) leaves no room in model.contextLength = " + policy.config().contextLength());
        }
        // Host-side grid of ids and mask bits, prompts right-aligned at column `width` (left padding).
        int total = width + steps;
        long[] ids = new long[batch * total];
        float[] mask = new float[batch * total];
        Arrays.fill(ids, padId);
        for (int r = 0; r < batch; r++) {
            int offset = r * total + width - prompts[r].length;
            for (int c = 0; c < prompts[r].length; c++) {
                ids[offset + c] = prompts[r][c];
                mask[offset + c] = 1;
            }
        }
        int[][] out = new int[batch][steps];
        int[] lengths = new int[batch];
        boolean[] done = new boolean[batch];
        int live = batch;
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false); // per thread; evaluation needs no autograd graph
        try (NDManager run = manager.newSubManager(policy.device());
             KvCache cache = policy.newCache(run, batch, total - 1)) {
            for (int s = 0; s < steps && live > 0; s++) {
                int filled = width + s;
                int from = s == 0 ? 0 : filled - 1;
                try (NDManager step = run.newSubManager()) {
                    NDArray logits = policy.forward(columns(step, ids, batch, total, from, filled),
                            step.create(columnsMask(mask, batch, total, filled), new Shape(batch, filled)), cache);
                    long[] next = logits.get(new NDIndex(":, -1, :")).argMax(-1).toLongArray();
                    for (int r = 0; r < batch; r++) {
                        if (done[r]) {
                            continue; // stays pad with mask 0: it no longer influences anything
                        }
                        int id = (int) next[r];
                        ids[r * total + filled] = id;
                        mask[r * total + filled] = 1;
                        if (id == eosId) {
                            done[r] = true;
                            live--;
                        } else {
                            out[r][lengths[r]++] = id;
                        }
                    }
                }
            }
        } finally {
            JniUtils.setGradMode(grad);
        }
        int[][] trimmed = new int[batch][];
        for (int r = 0; r < batch; r++) {
            trimmed[r] = Arrays.copyOf(out[r], lengths[r]);
        }
        return trimmed;
    }

    private static NDArray columns(NDManager m, long[] grid, int batch, int total, int from, int to) {
        int n = to - from;
        long[] part = new long[batch * n];
        for (int r = 0; r < batch; r++) {
            System.arraycopy(grid, r * total + from, part, r * n, n);
        }
        return m.create(part, new Shape(batch, n));
    }

    private static float[] columnsMask(float[] grid, int batch, int total, int to) {
        float[] part = new float[batch * to];
        for (int r = 0; r < batch; r++) {
            System.arraycopy(grid, r * total, part, r * to, to);
        }
        return part;
    }
}
