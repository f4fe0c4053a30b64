package dev.forkpoint.learner.warmstart;

import java.util.List;

/**
 * What a finished warm start measured.
 *
 * @param steps           optimiser steps done (fewer than configured when the time budget ran out)
 * @param finalLoss       cross-entropy of the last batch
 * @param evalAccuracy    greedy EVAL accuracy of the final policy
 * @param accuracyCurve   every evaluation, step 0 and the final one included
 * @param trainSeconds    wall time of the training steps alone
 * @param totalSeconds    wall time of the whole run (evaluations included, saving excluded)
 * @param tokensPerSecond prompt and response tokens trained per second of training time
 * @param stoppedByBudget whether the time budget ended the run before {@code steps} were done
 * @param skippedSteps    steps whose update was skipped because the loss or gradient was not finite
 */
public record WarmStartResult(long steps, double finalLoss, double evalAccuracy, List<Point> accuracyCurve,
                              double trainSeconds, double totalSeconds, double tokensPerSecond,
                              boolean stoppedByBudget, int skippedSteps) {

    public WarmStartResult {
        accuracyCurve = List.copyOf(accuracyCurve);
    }

    /** Greedy EVAL accuracy after {@code step} steps, {@code seconds} into the run. */
    public record Point(long step, double accuracy, double seconds) {}
}
