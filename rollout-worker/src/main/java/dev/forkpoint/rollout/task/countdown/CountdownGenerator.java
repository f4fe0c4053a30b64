package dev.forkpoint.rollout.task.countdown;

import dev.forkpoint.rollout.task.ConfigFields;
import dev.forkpoint.rollout.task.Problem;
import dev.forkpoint.rollout.task.ProblemGenerator;
import dev.forkpoint.rollout.task.verify.Rational;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * Draws countdown problems that always have a solution: numbers uniform in [minNumber, maxNumber], and as
 * target the value of a random expression tree over all of them (random order, shape and operators), kept
 * when it is an integer in [minTarget, maxTarget]; otherwise the draw is repeated.
 */
final class CountdownGenerator implements ProblemGenerator {

    /** Draws before giving up on a target range that the numbers cannot reach. */
    private static final int MAX_DRAWS = 100_000;
    private static final char[] OPS = {'+', '-', '*', '/'};

    private final CountdownConfig config;

    CountdownGenerator(CountdownConfig config) {
        this.config = config;
    }

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
                return CountdownTask.problemOf(id, numbers, target);
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
        // Join two random sub-trees until one is left: random order, shape and operators in one loop.
        while (pool.size() > 1) {
            Expr a = pool.remove(rng.nextInt(pool.size()));
            Expr b = pool.remove(rng.nextInt(pool.size()));
            pool.add(new Expr.BinOp(OPS[rng.nextInt(OPS.length)], a, b));
        }
        Rational value = CountdownVerifier.valueOrNull(pool.get(0));
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

    /** Sorted numbers and target: "3 5 2=16:" and "5 2 3=16:" are one problem for split disjointness. */
    @Override
    public String identity(Problem problem) {
        return CountdownTask.numbersOf(problem).stream().sorted().map(String::valueOf)
                .collect(Collectors.joining(" ")) + "=" + CountdownTask.targetOf(problem);
    }
}
