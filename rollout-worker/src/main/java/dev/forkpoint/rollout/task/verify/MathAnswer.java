package dev.forkpoint.rollout.task.verify;

import java.math.BigDecimal;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds and reads the final answer of a math response.
 *
 * <p>Extraction ({@link #extract}), first rule that applies:
 * <ol>
 *   <li>the content of the LAST complete {@code \boxed{...}} (braces balanced);</li>
 *   <li>else the text after the colon of the LAST line containing {@code Answer:} (any case) with
 *       something after the colon;</li>
 *   <li>else the LAST number in the text (integer, decimal, {@code a/b} or {@code \frac{a}{b}});</li>
 *   <li>else nothing: the response has no answer.</li>
 * </ol>
 *
 * <p>Reading ({@link #number}): after removing spaces, {@code $}, {@code \,}, {@code \!}, {@code \left},
 * {@code \right} and a trailing '.', a number is an optionally signed integer ({@code 1,000} with
 * three-digit groups allowed), decimal ({@code 0.75}, {@code .5}), fraction {@code a/b} of two such
 * numbers, or {@code \frac{a}{b}} ({@code \dfrac}, {@code \tfrac}); "x=5" reads as 5. Values are exact
 * rationals, so 3/4 equals 0.75 and 6/8, while 0.333 differs from 1/3.
 */
public final class MathAnswer {

    private static final String PLAIN = "[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\\.[0-9]*)?|[+-]?\\.[0-9]+";
    private static final Pattern PLAIN_NUMBER = Pattern.compile(PLAIN);
    private static final Pattern FRACTION = Pattern.compile("(" + PLAIN + ")/(" + PLAIN + ")");
    private static final Pattern LATEX_FRACTION = Pattern.compile("([+-]?)\\\\frac\\{([^{}]+)\\}\\{([^{}]+)\\}");
    private static final Pattern TRAILING_EQUATION = Pattern.compile(".*=([^=]+)");
    private static final Pattern ANSWER_LINE = Pattern.compile("(?i)answer\\s*:(.*)");
    /** A number inside running text; '-' is a sign only when it does not follow a digit, letter or bracket. */
    private static final Pattern NUMBER_IN_TEXT = Pattern.compile(
            "(?:(?<![0-9A-Za-z)\\]}.])-)?\\\\[dt]?frac\\{[^{}]+\\}\\{[^{}]+\\}"
                    + "|(?:(?<![0-9A-Za-z)\\]}.])-)?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\\.[0-9]+)?(?:/[0-9]+)?"
                    + "|(?:(?<![0-9A-Za-z)\\]}.])-)?\\.[0-9]+");

    private MathAnswer() {
    }

    /** The answer text of {@code response} by the rules above, not yet normalised. */
    public static Optional<String> extract(String response) {
        if (response == null || response.isBlank()) {
            return Optional.empty();
        }
        Optional<String> boxed = lastBoxed(response);
        if (boxed.isPresent()) {
            return boxed;
        }
        String[] lines = response.split("\n", -1);
        for (int i = lines.length - 1; i >= 0; i--) {
            Matcher m = ANSWER_LINE.matcher(lines[i]);
            if (m.find() && !m.group(1).isBlank()) {
                return Optional.of(m.group(1).strip());
            }
        }
        Matcher m = NUMBER_IN_TEXT.matcher(response);
        String last = null;
        while (m.find()) {
            last = m.group();
        }
        return Optional.ofNullable(last);
    }

    /** Content of the last {@code \boxed{...}} whose braces close. */
    public static Optional<String> lastBoxed(String text) {
        String marker = "\\boxed{";
        for (int at = text.lastIndexOf(marker); at >= 0; at = text.lastIndexOf(marker, at - 1)) {
            int start = at + marker.length();
            int depth = 1;
            for (int i = start; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '{') {
                    depth++;
                } else if (c == '}' && --depth == 0) {
                    return Optional.of(text.substring(start, i));
                }
            }
            if (at == 0) {
                break;
            }
        }
        return Optional.empty();
    }

    /** Removes formatting that never changes a math answer's value. */
    public static String normalize(String answer) {
        String s = answer.replace("\\left", "").replace("\\right", "").replace("\\,", "").replace("\\!", "")
                .replace("\\dfrac", "\\frac").replace("\\tfrac", "\\frac").replace("$", "");
        s = s.replaceAll("\\s+", "");
        while (s.endsWith(".")) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }

    /** The exact value of an answer text, if it is a number by the rules above. */
    public static Optional<Rational> number(String answer) {
        String s = normalize(answer);
        Optional<Rational> whole = wholeNumber(s);
        if (whole.isPresent()) {
            return whole;
        }
        Matcher eq = TRAILING_EQUATION.matcher(s);
        return eq.matches() ? wholeNumber(eq.group(1)) : Optional.empty();
    }

    private static Optional<Rational> wholeNumber(String s) {
        if (PLAIN_NUMBER.matcher(s).matches()) {
            return Optional.of(plain(s));
        }
        Matcher f = FRACTION.matcher(s);
        if (f.matches()) {
            return ratio(plain(f.group(1)), plain(f.group(2)));
        }
        Matcher lf = LATEX_FRACTION.matcher(s);
        if (lf.matches()) {
            Optional<Rational> num = wholeNumber(lf.group(2));
            Optional<Rational> den = wholeNumber(lf.group(3));
            if (num.isEmpty() || den.isEmpty()) {
                return Optional.empty();
            }
            Optional<Rational> r = ratio(num.get(), den.get());
            return lf.group(1).equals("-") ? r.map(Rational::negate) : r;
        }
        return Optional.empty();
    }

    private static Optional<Rational> ratio(Rational num, Rational den) {
        return den.signum() == 0 ? Optional.empty() : Optional.of(num.divide(den));
    }

    private static Rational plain(String s) {
        String t = s.replace(",", "");
        if (t.endsWith(".")) {
            t = t.substring(0, t.length() - 1);
        }
        return Rational.of(new BigDecimal(t));
    }
}
