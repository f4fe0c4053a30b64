package dev.forkpoint.rollout.task.countdown;

import dev.forkpoint.rollout.task.Verdict;
import dev.forkpoint.rollout.task.verify.Rational;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Judges a countdown response. Accepted text, after trimming leading and trailing whitespace: an
 * optional {@code "Answer:"} prefix, an equation over + - * / and parentheses ({@link EquationParser};
 * spaces allowed), then optionally {@code "=<integer>"}, which must equal the target. Nothing else: a
 * second line or any other character makes the equation malformed. Each number in the equation must be
 * one of the given numbers, used at most as often as it is given (not every number must be used). Score
 * 1 when the exact value equals the target, else 0.
 *
 * <p>Checks run in this order, the first failure being the reason: empty response, no equation found (no
 * digit at all), malformed equation, number not given / reused number, division by zero, wrong total,
 * stated total.
 */
public final class CountdownVerifier {

    private CountdownVerifier() {
    }

    public static Verdict verify(List<Integer> numbers, int target, String response) {
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
        String misuse = misusedNumber(numbers, expr);
        if (misuse != null) {
            return Verdict.wrong(misuse);
        }
        Rational value = valueOrNull(expr);
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

    /** The first literal that is not given or given fewer times than used, as a reason; null if none. */
    private static String misusedNumber(List<Integer> numbers, Expr expr) {
        Map<BigInteger, Integer> available = new HashMap<>();
        for (int n : numbers) {
            available.merge(BigInteger.valueOf(n), 1, Integer::sum);
        }
        List<BigInteger> used = new ArrayList<>();
        expr.collectNumbers(used);
        for (BigInteger u : used) {
            Integer left = available.get(u);
            if (left == null) {
                return "number " + abbreviate(u.toString()) + " not given";
            }
            if (left == 0) {
                return "reused number " + u;
            }
            available.put(u, left - 1);
        }
        return null;
    }

    /** Exact value, or null on division by zero. */
    static Rational valueOrNull(Expr e) {
        try {
            return e.evaluate();
        } catch (ArithmeticException divisionByZero) {
            return null;
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 20 ? s : s.substring(0, 17) + "...";
    }
}
