package dev.forkpoint.learner.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.forkpoint.rollout.batch.RolloutBatch;

/**
 * The tensors of one optimisation mini-batch, built from chosen rows of a {@link RolloutBatch}: the sequences
 * {@code prompt + response} with prompts left-padded to width P and responses right-padded to width R (so
 * response token j of every row sits at column P + j), their key mask, and the rollout's per-token arrays as
 * (rows, R) grids with the response mask.
 *
 * <p>{@code Policy.score} returns the log-probability of token t+1 at index t, so response token j is at score
 * index P - 1 + j: {@link #responseSlice} cuts exactly those R columns.
 */
public record UpdateBatch(NDArray tokens, NDArray keyMask, NDArray oldLogProbs, NDArray oldEntropy,
                          NDArray responseMask, double[] advantages, int promptWidth, int responseWidth,
                          long promptTokens, long responseTokens) {

    /** Builds the arrays on {@code manager} (the mini-batch's sub-manager). */
    public static UpdateBatch of(RolloutBatch batch, int[] rows, double[] advantages, int padId, NDManager manager) {
        int b = rows.length;
        int p = 0;
        int r = 1;
        for (int row : rows) {
            p = Math.max(p, batch.promptIds()[row].length);
            r = Math.max(r, batch.responseIds()[row].length);
        }
        int width = p + r;
        long[] tokens = new long[b * width];
        long[] mask = new long[b * width];
        float[] olp = new float[b * r];
        float[] hOld = new float[b * r];
        float[] responseMask = new float[b * r];
        double[] adv = new double[b];
        java.util.Arrays.fill(tokens, padId);
        long promptTokens = 0;
        long responseTokens = 0;
        for (int i = 0; i < b; i++) {
            int row = rows[i];
            int[] prompt = batch.promptIds()[row];
            int[] response = batch.responseIds()[row];
            int offset = i * width + p - prompt.length;
            for (int j = 0; j < prompt.length; j++) {
                tokens[offset + j] = prompt[j];
                mask[offset + j] = 1;
            }
            for (int j = 0; j < response.length; j++) {
                tokens[i * width + p + j] = response[j];
                mask[i * width + p + j] = 1;
                olp[i * r + j] = batch.oldLogProbs()[row][j];
                hOld[i * r + j] = batch.oldEntropies()[row][j];
                responseMask[i * r + j] = 1f;
            }
            adv[i] = advantages[row];
            promptTokens += prompt.length;
            responseTokens += response.length;
        }
        Shape grid = new Shape(b, r);
        return new UpdateBatch(manager.create(tokens, new Shape(b, width)), manager.create(mask, new Shape(b, width)),
                manager.create(olp, grid), manager.create(hOld, grid), manager.create(responseMask, grid), adv, p, r,
                promptTokens, responseTokens);
    }

    /** The response columns {@code [P-1, P-1+R)} of a {@code Policy.score} output (rows, P+R-1). */
    public NDArray responseSlice(NDArray scored) {
        return scored.get(new NDIndex(":, {}:{}", promptWidth - 1, promptWidth - 1 + responseWidth));
    }
}
