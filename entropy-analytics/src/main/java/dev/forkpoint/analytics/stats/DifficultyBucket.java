package dev.forkpoint.analytics.stats;

import java.util.List;

/**
 * Prompt difficulty as the per-prompt pass rate within the step (correct responses / responses sharing the prompt
 * id), bucketed as {@code 0, (0,0.25], (0.25,0.5], (0.5,0.75], (0.75,1), 1}. The two ends are kept apart because
 * DiffAdapt reports entropy by difficulty as U-shaped and all-wrong / all-right groups carry no GRPO signal.
 */
public final class DifficultyBucket {
    public static final List<String> LABELS = List.of("0", "(0,0.25]", "(0.25,0.5]", "(0.5,0.75]", "(0.75,1)", "1");

    private DifficultyBucket() {
    }

    /** Bucket index of {@code correct} right answers out of {@code responses}; exact integer comparisons. */
    public static int of(int correct, int responses) {
        if (responses < 1 || correct < 0 || correct > responses) {
            throw new IllegalArgumentException("correct = " + correct + ", responses = " + responses
                    + ": need 0 <= correct <= responses and responses >= 1");
        }
        if (correct == 0) {
            return 0;
        }
        if (correct == responses) {
            return 5;
        }
        long c4 = 4L * correct;
        if (c4 <= responses) {
            return 1;
        }
        if (c4 <= 2L * responses) {
            return 2;
        }
        if (c4 <= 3L * responses) {
            return 3;
        }
        return 4;
    }
}
