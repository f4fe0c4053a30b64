package dev.forkpoint.analytics.stats;

/**
 * High-window-entropy tokens (ARES, docs/algorithms.md section 15). The window entropy of token t in a response is the mean of
 * the finite entropies at positions {@code max(0, t-w+1) .. t}: a trailing (causal) window of w tokens that is
 * truncated at the sequence start, so the first w-1 tokens average over the t+1 tokens available instead of
 * being dropped or padded. Windows never cross sequence boundaries. Tokens with non-finite entropy get no window
 * value and do not enter any window mean. The share is the fraction of window values strictly above the batch's
 * 80th percentile of window values ({@link Percentile} method).
 */
public final class WindowEntropy {
    private WindowEntropy() {
    }

    /**
     * Appends the window entropies of one sequence to {@code out} starting at {@code offset}, one per finite token.
     *
     * @return the new offset
     */
    public static int appendWindows(float[] h, int w, double[] out, int offset) {
        // Recomputed per token (w additions) rather than a running sum, so no rounding drift accumulates.
        for (int t = 0; t < h.length; t++) {
            if (!Float.isFinite(h[t])) {
                continue;
            }
            double sum = 0;
            int n = 0;
            for (int i = Math.max(0, t - w + 1); i <= t; i++) {
                if (Float.isFinite(h[i])) {
                    sum += h[i];
                    n++;
                }
            }
            out[offset++] = sum / n;
        }
        return offset;
    }
}
