package dev.forkpoint.rollout.task.countdown;

import dev.forkpoint.rollout.task.ConfigFields;
import dev.forkpoint.rollout.task.Problem;
import dev.forkpoint.rollout.task.ProblemGenerator;
import dev.forkpoint.rollout.task.SeededSplits;
import dev.forkpoint.rollout.task.Split;
import dev.forkpoint.rollout.task.Task;
import dev.forkpoint.rollout.task.Verdict;
import dev.forkpoint.rollout.task.verify.Rational;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * Countdown with 3 or 4 numbers, formatted for a tiny character-level model.
 *
 * <p>Prompt: the numbers separated by spaces, '=', the target, ':' (e.g. {@code "3 5 2=16:"}).
 * Response: one equation, e.g. {@code "(3+5)*2"}; the sampler appends eos.
 *
 * <p>Accepted response text (after trimming leading and trailing whitespace): an optional
 * {@code "Answer:"} prefix, then an equation over + - * / and parentheses (see {@link EquationParser};
 * spaces allowed), then optionally {@code "=<integer>"} which must equal the target. Nothing else: a
 * second line or any other character makes the equation malformed. Every number in it must be one of the
 * given numbers, each used at most as often as it is given. Score 1 when the exact value equals the
 * target, else 0.
 *
 * <p>Problems: numbers drawn uniformly from [minNumber, maxNumber]; the target is the value of a random
 * expression tree over all of them (random order, shape and operators), kept when it is an integer in
 * [minTarget, maxTarget], so every problem has a solution.
 */
public final class CountdownTask implements Task {

    /** Draws before giving up on a target range that the numbers cannot reach. */
    private static final int MAX_DRAWS = 100_000;
    private static final char[] OPS = {'+', '-', '*', '/'};

    private final CountdownConfig config;
    private final SeededSplits splits;

    public CountdownTask(CountdownConfig config) {
        this.config = config;
        this.splits = new SeededSplits(new Generator(), config.seed(), config.evalSize());
    }

    public CountdownConfig config() {
        return config;
    }

    @Override
    public String name() {
        return CountdownConfig.NAME;
    }

    @Override
    public long size(Split split) {
        return splits.size(split);
    }

    @Override
    public Problem problem(Split split, long index) {
        return splits.problem(split, index);
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
        return verifyEquation(numbersOf(problem), targetOf(problem), response);
    }

    /** The verifier, usable without a task instance. */
    public static Verdict verifyEquation(List<Integer> numbers, int target, String response) {
        String text = response == null ? "" : response.strip();
        if (text.isEmpty()) {
            return Verdict.wrong("empty response");
        }
        if (text.startsWith("Answer:")) {
            text = text.substring("Answer:".length()).strip();
        }
        if (text.chars().noneMatch(c -> c >= '0' && c <= '9')) {
            return Verdict.wrong("no equation found");
        }
        String stated = null;
        int eq = text.indexOf('=');
        if (eq >= 0) {
            stated = text.substring(eq + 1).strip();
            text = text.substring(0, eq);
            if (!stated.matches("-?[0-9]{1,9}")) {
                return Verdict.wrong("malformed equation: expected an integer total after '=', got \""
                        + abbreviate(stated) + "\"");
            }
        }
        Expr expr;
        try {
            expr = EquationParser.parse(text);
        } catch (EquationSyntaxException e) {
            return Verdict.wrong("malformed equation: " + e.getMessage());
        }
        Map<BigInteger, Integer> available = new HashMap<>();
        for (int n : numbers) {
            available.merge(BigInteger.valueOf(n), 1, Integer::sum);
        }
        List<BigInteger> used = new ArrayList<>();
        expr.collectNumbers(used);
        for (BigInteger u : used) {
            Integer left = available.get(u);
            if (left == null) {
                return Verdict.wrong("number " + abbreviate(u.toString()) + " not given");
            }
            if (left == 0) {
                return Verdict.wrong("reused number " + u);
            }
            available.put(u, left - 1);
        }
        var value = evaluate(expr);
        if (value == null) {
            return Verdict.wrong("division by zero");
        }
        if (!value.equals(Rational.of(target))) {
            return Verdict.wrong("wrong total " + value + " != " + target);
        }
        if (stated != null && Integer.parseInt(stated) != target) {
            return Verdict.wrong("stated total " + stated + " != " + target);
        }
        return Verdict.right();
    }

    private static Rational evaluate(Expr e) {
        try {
            return e.evaluate();
        } catch (ArithmeticException divisionByZero) {
            return null;
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 20 ? s : s.substring(0, 17) + "...";
    }

    /** The canonical solution of {@link CountdownSolver}. */
    @Override
    public String workedSolution(Problem problem) {
        return CountdownSolver.solve(numbersOf(problem), targetOf(problem))
                .map(Expr::render)
                .orElseThrow(() -> new IllegalArgumentException("problem " + problem.id() + " has no solution"));
    }

    private final class Generator implements ProblemGenerator {
        @Override
        public Problem generate(SplittableRandom rng, String id) {
            int n = config.numbers();
            for (int draw = 0; draw < MAX_DRAWS; draw++) {
                List<Integer> numbers = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    numbers.add(rng.nextInt(config.minNumber(), config.maxNumber() + 1));
                }
                Integer target = randomTarget(numbers, rng);
                if (target != null) {
                    return problemOf(id, numbers, target);
                }
            }
            throw ConfigFields.invalid("minTarget", config.minTarget(), "no integer target in [minTarget, maxTarget = "
                    + config.maxTarget() + "] found in " + MAX_DRAWS + " draws with numbers in ["
                    + config.minNumber() + ", " + config.maxNumber() + "]");
        }

        /** Value of one random expression tree over all numbers, or null when unusable. */
        private Integer randomTarget(List<Integer> numbers, SplittableRandom rng) {
            List<Expr> pool = new ArrayList<>();
            for (int v : numbers) {
                pool.add(new Expr.Num(BigInteger.valueOf(v)));
            }
            // Combine two random sub-trees until one is left: a uniform random order, shape and operators.
            while (pool.size() > 1) {
                Expr a = pool.remove(rng.nextInt(pool.size()));
                Expr b = pool.remove(rng.nextInt(pool.size()));
                pool.add(new Expr.BinOp(OPS[rng.nextInt(OPS.length)], a, b));
            }
            var value = evaluate(pool.get(0));
            if (value == null || !value.isInteger()) {
                return null;
            }
            BigInteger v = value.num();
            if (v.compareTo(BigInteger.valueOf(config.minTarget())) < 0
                    || v.compareTo(BigInteger.valueOf(config.maxTarget())) > 0) {
                return null;
            }
            return v.intValueExact();
        }

        @Override
        public String identity(Problem problem) {
            return numbersOf(problem).stream().sorted().map(String::valueOf).collect(Collectors.joining(" "))
                    + "=" + targetOf(problem);
        }
    }
}
