package dev.forkpoint.learner.run;

import java.util.Locale;
import java.util.Optional;

/**
 * Notices a run whose rollouts give the learner nothing to learn from: when no prompt group's rewards differ for
 * {@link #STEPS} steps in a row, every group-relative advantage is 0 and the policy does not move. Says why, in
 * words a user can act on, once when it starts and again every {@link #STEPS} steps while it lasts.
 */
public final class RewardSignalWatch {

    /** Steps in a row without reward variance before the run says so. */
    public static final int STEPS = 20;
    /** Share of the step's prompt groups whose responses' rewards are not all equal (a {@link StepReport} metric). */
    public static final String METRIC = "rollout/groups_with_reward_variance";

    private int withoutSignal;

    /** Feeds one step; returns the note to record when this step completes a run of {@link #STEPS} such steps. */
    public Optional<String> observe(StepReport report) {
        Double share = report.metrics().get(METRIC);
        if (share == null || share > 0) {
            withoutSignal = 0;
            return Optional.empty();
        }
        withoutSignal++;
        if (withoutSignal % STEPS != 0) {
            return Optional.empty();
        }
        String why;
        if (report.accuracy() == 0) {
            why = "every response scored " + String.format(Locale.ROOT, "%.3f", report.reward())
                    + ": the policy solves nothing; add a warm start (model.warmStart.steps) or start from a "
                    + "warm-started model.checkpoint";
        } else if (report.accuracy() == 1) {
            why = "every response is correct: the task is too easy for this policy; pick a harder task";
        } else {
            why = "the responses to each prompt all score the same; raise training.groupSize or "
                    + "sampling.temperature";
        }
        return Optional.of(String.format(Locale.ROOT, "no reward variance in %d steps (steps %d-%d): %s",
                withoutSignal, report.step() - withoutSignal + 1, report.step(), why));
    }
}
