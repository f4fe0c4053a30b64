package dev.forkpoint.rollout.task.verify;

import dev.forkpoint.rollout.task.Verdict;
import java.util.Optional;

/**
 * Compares a response's final answer ({@link MathAnswer#extract}) with a reference answer. When the
 * reference reads as a number the two are compared exactly as rationals; otherwise the normalised texts
 * must be equal (case-sensitive). A reference written as {@code \boxed{...}} is unwrapped first.
 */
public final class MathAnswerVerifier {

    private MathAnswerVerifier() {
    }

    public static Verdict verify(String response, String reference) {
        Optional<String> extracted = MathAnswer.extract(response);
        if (extracted.isEmpty()) {
            return Verdict.wrong(response == null || response.isBlank() ? "empty response" : "no answer found");
        }
        String predicted = extracted.get();
        String expected = MathAnswer.lastBoxed(reference).orElse(reference);
        Optional<Rational> expectedValue = MathAnswer.number(expected);
        if (expectedValue.isPresent()) {
            Optional<Rational> value = MathAnswer.number(predicted);
            if (value.isEmpty()) {
                return Verdict.wrong("answer \"" + shorten(MathAnswer.normalize(predicted)) + "\" is not a number");
            }
            return value.get().equals(expectedValue.get())
                    ? Verdict.right()
                    : Verdict.wrong("wrong answer " + value.get() + " != " + expectedValue.get());
        }
        String p = MathAnswer.normalize(predicted);
        String e = MathAnswer.normalize(expected);
        return p.equals(e) ? Verdict.right() : Verdict.wrong("wrong answer \"" + shorten(p) + "\" != \"" + shorten(e) + "\"");
    }

    private static String shorten(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }
}
