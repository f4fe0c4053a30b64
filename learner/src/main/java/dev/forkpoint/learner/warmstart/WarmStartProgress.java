package dev.forkpoint.learner.warmstart;

/**
 * One progress report of a warm start.
 *
 * @param step           optimiser steps done
 * @param loss           response-token cross-entropy of the last step's batch (nats per token)
 * @param gradNorm       global gradient norm of the last step, before clipping
 * @param learningRate   learning rate of the last step
 * @param tokensPerSecond prompt and response tokens trained per second over the steps since the last report
 *                       (forward, backward, clipping and AdamW; evaluation time excluded)
 * @param evalAccuracy   greedy EVAL accuracy measured at this step, NaN when this report did not evaluate
 * @param elapsedSeconds wall time since the start of training
 * @param evalSamples    a few greedy evaluation answers ("prompt response  [verdict]"), empty when not evaluated
 */
public record WarmStartProgress(long step, double loss, double gradNorm, double learningRate, double tokensPerSecond,
                                double evalAccuracy, double elapsedSeconds, java.util.List<String> evalSamples) {

    public WarmStartProgress {
        evalSamples = java.util.List.copyOf(evalSamples);
    }

    public boolean evaluated() {
        return !Double.isNaN(evalAccuracy);
    }

    /**
     * The progress line printed by {@code forkpoint warm-start} ({@link dev.forkpoint.learner.cli.WarmStartCommand}). Step 0 (before any update) shows "-" for loss and
     * gradient norm, so that a printed NaN always means a non-finite update.
     */
    public String line() {
        boolean trained = step > 0;
        return String.format(java.util.Locale.ROOT,
                "step %5d  loss %s  grad_norm %s  lr %.2e  tokens/s %7.0f  eval_acc %s  elapsed %6.1fs",
                step, trained ? String.format(java.util.Locale.ROOT, "%.4f", loss) : "  -   ",
                trained ? String.format(java.util.Locale.ROOT, "%.3f", gradNorm) : "  -  ", learningRate,
                tokensPerSecond,
                evaluated() ? String.format(java.util.Locale.ROOT, "%.3f", evalAccuracy) : "  -  ", elapsedSeconds);
    }
}
