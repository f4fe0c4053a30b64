package dev.forkpoint.learner.run;

import dev.forkpoint.rollout.task.Problem;
import dev.forkpoint.rollout.task.Split;
import dev.forkpoint.rollout.task.Task;
import dev.forkpoint.rollout.task.Verdict;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A test task whose verifier is a predicate on the response text, so a random tiny model gets a known reward
 * signal: "contains a digit 0-4" is right for about 40% of the responses of 10 random characters; "never" is always wrong.
 */
final class ScriptedTask implements Task {

    private final Predicate<String> correct;

    ScriptedTask(Predicate<String> correct) {
        this.correct = correct;
    }

    /** Right when the response contains one of the digits 0-4: about 40% of 10 random characters. */
    static ScriptedTask containsLowDigit() {
        return new ScriptedTask(s -> s.chars().anyMatch(c -> c >= '0' && c <= '4'));
    }

    static ScriptedTask neverCorrect() {
        return new ScriptedTask(s -> false);
    }

    @Override
    public String name() {
        return "scripted";
    }

    @Override
    public long size(Split split) {
        return split == Split.EVAL ? 8 : Long.MAX_VALUE;
    }

    @Override
    public Problem problem(Split split, long index) {
        return new Problem(split.label() + ":" + index, (index % 10) + "+" + (index % 7) + "=", "7", Map.of());
    }

    @Override
    public Verdict verify(Problem problem, String response) {
        return correct.test(response) ? Verdict.right() : Verdict.wrong("scripted");
    }

    @Override
    public String workedSolution(Problem problem) {
        return "7";
    }
}
