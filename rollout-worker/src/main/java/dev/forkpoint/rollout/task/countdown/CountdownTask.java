package dev.forkpoint.rollout.task.countdown;

import dev.forkpoint.rollout.task.GeneratedTask;
import dev.forkpoint.rollout.task.Problem;
import dev.forkpoint.rollout.task.Verdict;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Countdown with 3 or 4 numbers, formatted for a tiny character-level model.
 *
 * <p>Prompt: the numbers separated by spaces, '=', the target, ':' (e.g. {@code "3 5 2=16:"}).
 * Response: one equation, e.g. {@code "(3+5)*2"}; the sampler appends eos. What the verifier accepts is
 * documented on {@link CountdownVerifier}; problems come from {@link CountdownGenerator}; the worked
 * solution is {@link CountdownSolver}'s canonical equation.
 */
public final class CountdownTask extends GeneratedTask {

    private final CountdownConfig config;

    public CountdownTask(CountdownConfig config) {
        super(new CountdownGenerator(config), config.seed(), config.evalSize());
        this.config = config;
    }

    public CountdownConfig config() {
        return config;
    }

    @Override
    public String name() {
        return CountdownConfig.NAME;
    }

    /** A problem in this task's format for given numbers and target (tests, user-supplied instances). */
    public static Problem problemOf(String id, List<Integer> numbers, int target) {
        String joined = numbers.stream().map(String::valueOf).collect(Collectors.joining(" "));
        return new Problem(id, joined + "=" + target + ":", Integer.toString(target),
                Map.of("numbers", joined, "target", Integer.toString(target)));
    }

    static List<Integer> numbersOf(Problem p) {
        return Arrays.stream(p.require("numbers").split(" ")).map(Integer::valueOf).toList();
    }

    static int targetOf(Problem p) {
        return Integer.parseInt(p.require("target"));
    }

    @Override
    public Verdict verify(Problem problem, String response) {
        return CountdownVerifier.verify(numbersOf(problem), targetOf(problem), response);
    }

    /** The canonical solution of {@link CountdownSolver}. */
    @Override
    public String workedSolution(Problem problem) {
        return CountdownSolver.solve(numbersOf(problem), targetOf(problem))
                .map(Expr::render)
                .orElseThrow(() -> new IllegalArgumentException("problem " + problem.id() + " has no solution"));
    }
}
