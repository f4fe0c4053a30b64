package dev.forkpoint.rollout.task.arithmetic;

import dev.forkpoint.rollout.task.GeneratedTask;
import dev.forkpoint.rollout.task.Problem;
import dev.forkpoint.rollout.task.ProblemGenerator;
import dev.forkpoint.rollout.task.Verdict;
import dev.forkpoint.rollout.task.verify.MathAnswerVerifier;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Multi-digit add/sub/mul. Prompt {@code "347*85:\n"}; the worked solution is {@link ColumnSolution}'s
 * step lines ending in {@code Answer: N}. The verifier reads the final answer with {@link MathAnswerVerifier}
 * (last \boxed{}, else the last {@code Answer:} line, else the last number) and compares it exactly; the
 * intermediate lines are not scored.
 */
public final class ArithmeticTask extends GeneratedTask {

    public ArithmeticTask(ArithmeticConfig config) {
        super(new Generator(config), config.seed(), config.evalSize());
    }

    @Override
    public String name() {
        return ArithmeticConfig.NAME;
    }

    /** A problem in this task's format; {@code op} is '+', '-' or '*'. */
    public static Problem problemOf(String id, long a, char op, long b) {
        long result = switch (op) {
            case '+' -> Math.addExact(a, b);
            case '-' -> Math.subtractExact(a, b);
            case '*' -> Math.multiplyExact(a, b);
            default -> throw new IllegalArgumentException("operator '" + op + "'");
        };
        return new Problem(id, a + String.valueOf(op) + b + ":\n", Long.toString(result),
                Map.of("a", Long.toString(a), "op", String.valueOf(op), "b", Long.toString(b)));
    }

    @Override
    public Verdict verify(Problem problem, String response) {
        return MathAnswerVerifier.verify(response, problem.answer());
    }

    @Override
    public String workedSolution(Problem problem) {
        long a = Long.parseLong(problem.require("a"));
        long b = Long.parseLong(problem.require("b"));
        return switch (problem.require("op")) {
            case "+" -> ColumnSolution.add(a, b);
            case "-" -> ColumnSolution.subtract(a, b);
            case "*" -> ColumnSolution.multiply(a, b);
            default -> throw new IllegalArgumentException("problem " + problem.id() + ": operator " + problem.require("op"));
        };
    }

    private static final class Generator implements ProblemGenerator {

        private final ArithmeticConfig config;

        Generator(ArithmeticConfig config) {
            this.config = config;
        }

        @Override
        public Problem generate(SplittableRandom rng, String id) {
            String operation = config.operations().get(rng.nextInt(config.operations().size()));
            char op = switch (operation) {
                case "add" -> '+';
                case "sub" -> '-';
                default -> '*';
            };
            return problemOf(id, operand(rng), op, operand(rng));
        }

        /** Digit count uniform in [minDigits, maxDigits], then a uniform number with that many digits. */
        private long operand(SplittableRandom rng) {
            int digits = rng.nextInt(config.minDigits(), config.maxDigits() + 1);
            long low = digits == 1 ? 0 : pow10(digits - 1);
            return rng.nextLong(low, pow10(digits));
        }

        /** Commutative operations are one problem whichever operand comes first. */
        @Override
        public String identity(Problem p) {
            long a = Long.parseLong(p.require("a"));
            long b = Long.parseLong(p.require("b"));
            String op = p.require("op");
            return op.equals("-") ? a + op + b : Math.min(a, b) + op + Math.max(a, b);
        }
    }

    private static long pow10(int n) {
        long v = 1;
        for (int i = 0; i < n; i++) {
            v *= 10;
        }
        return v;
    }
}
