package dev.forkpoint.learner.config.schema;

import dev.forkpoint.learner.config.FieldErrors;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One scalar key of a config section, declared once with everything users and tools need: its name, type,
 * default, valid range or choices, when it applies, a help text and where it comes from. The parser, the
 * canonical rendering, the presets listing, the OpenAPI schema and docs/config-reference.md all read it.
 *
 * <p>Declared as constants next to the record they fill ({@code accessor} reads the value back from it). The
 * fluent setters are for that declaration only.
 *
 * @param <R> the record the section builds
 * @param <T> the Java type of the value
 */
public final class Field<R, T> {

    /** The value types a config document can hold. */
    public enum Kind {
        NUMBER("number"), INTEGER("integer"), LONG("integer"), BOOLEAN("boolean"), STRING("string"),
        CHOICE("string"), CHOICE_LIST("array");

        private final String jsonType;

        Kind(String jsonType) {
            this.jsonType = jsonType;
        }

        /** The JSON Schema / OpenAPI type name. */
        public String jsonType() {
            return jsonType;
        }
    }

    private final String key;
    private final Kind kind;
    private final Function<R, T> accessor;
    private final List<String> choices;
    private T defaultValue;
    private Function<Values, T> derivedDefault;
    private String derivedDefaultDoc;
    private boolean nullable;
    private String nullMeans;
    private Double min;
    private boolean minExclusive;
    private Double max;
    private boolean maxExclusive;
    private Predicate<Values> appliesWhen;
    private String appliesDoc;
    private String help = "";
    private String source;
    private java.util.regex.Pattern pattern;
    private String patternDoc;

    private Field(String key, Kind kind, Function<R, T> accessor, List<String> choices) {
        this.key = key;
        this.kind = kind;
        this.accessor = accessor;
        this.choices = choices;
    }

    public static <R> Field<R, Double> number(String key, Function<R, Double> accessor) {
        return new Field<>(key, Kind.NUMBER, accessor, List.of());
    }

    public static <R> Field<R, Integer> integer(String key, Function<R, Integer> accessor) {
        return new Field<>(key, Kind.INTEGER, accessor, List.of());
    }

    public static <R> Field<R, Long> longInteger(String key, Function<R, Long> accessor) {
        return new Field<>(key, Kind.LONG, accessor, List.of());
    }

    public static <R> Field<R, Boolean> bool(String key, Function<R, Boolean> accessor) {
        return new Field<>(key, Kind.BOOLEAN, accessor, List.of());
    }

    public static <R> Field<R, String> string(String key, Function<R, String> accessor) {
        return new Field<>(key, Kind.STRING, accessor, List.of());
    }

    /** A string that must be one of {@code choices} (exactly, case-sensitive). */
    public static <R> Field<R, String> choice(String key, Function<R, String> accessor, List<String> choices) {
        return new Field<>(key, Kind.CHOICE, accessor, List.copyOf(choices));
    }

    /** A non-empty list of distinct strings, each one of {@code choices}. */
    public static <R> Field<R, List<String>> choiceList(String key, Function<R, List<String>> accessor,
                                                       List<String> choices) {
        return new Field<>(key, Kind.CHOICE_LIST, accessor, List.copyOf(choices));
    }

    // ---- declaration ----

    public Field<R, T> defaultValue(T value) {
        this.defaultValue = value;
        return this;
    }

    /**
     * A default that depends on the section's other values (e.g. STEER's {@code wMax}: 1.2 linear, 1.0
     * exponential). Such a field never inherits a preset's value: only a value the user gives overrides it.
     */
    public Field<R, T> derivedDefault(Function<Values, T> rule, String doc) {
        this.derivedDefault = rule;
        this.derivedDefaultDoc = doc;
        return this;
    }

    /** The value may be null (explicitly, or as its default); {@code meaning} says what null stands for. */
    public Field<R, T> nullable(String meaning) {
        this.nullable = true;
        this.nullMeans = meaning;
        return this;
    }

    /** {@code value >= lo}. */
    public Field<R, T> min(double lo) {
        this.min = lo;
        this.minExclusive = false;
        return this;
    }

    /** {@code value > lo}. */
    public Field<R, T> above(double lo) {
        this.min = lo;
        this.minExclusive = true;
        return this;
    }

    /** {@code value <= hi}. */
    public Field<R, T> max(double hi) {
        this.max = hi;
        this.maxExclusive = false;
        return this;
    }

    /** {@code value < hi}. */
    public Field<R, T> below(double hi) {
        this.max = hi;
        this.maxExclusive = true;
        return this;
    }

    /** {@code lo <= value <= hi}. */
    public Field<R, T> between(double lo, double hi) {
        return min(lo).max(hi);
    }

    /**
     * The key only means something when {@code rule} holds for the section's other values (read before this one).
     * Otherwise giving it is an error that quotes {@code doc}, and its value is null.
     */
    public Field<R, T> appliesWhen(Predicate<Values> rule, String doc) {
        this.appliesWhen = rule;
        this.appliesDoc = doc;
        return this;
    }

    /** A string must match {@code regex} as a whole; {@code doc} says what that means for the message. */
    public Field<R, T> pattern(String regex, String doc) {
        this.pattern = java.util.regex.Pattern.compile(regex);
        this.patternDoc = doc;
        return this;
    }

    public Field<R, T> help(String text) {
        this.help = text;
        return this;
    }

    /** The paper or recipe the key and its default come from. */
    public Field<R, T> source(String text) {
        this.source = text;
        return this;
    }

    // ---- reading ----

    public String key() {
        return key;
    }

    public Kind kind() {
        return kind;
    }

    public List<String> choices() {
        return choices;
    }

    public T defaultValue() {
        return defaultValue;
    }

    public String derivedDefaultDoc() {
        return derivedDefaultDoc;
    }

    public boolean isNullable() {
        return nullable;
    }

    public String nullMeans() {
        return nullMeans;
    }

    public Double min() {
        return min;
    }

    public boolean minExclusive() {
        return minExclusive;
    }

    public Double max() {
        return max;
    }

    public boolean maxExclusive() {
        return maxExclusive;
    }

    public String appliesDoc() {
        return appliesDoc;
    }

    public String help() {
        return help;
    }

    public String source() {
        return source;
    }

    /** What {@link #pattern()} allows, in words; null for none. */
    public String patternDoc() {
        return patternDoc;
    }

    /** The regular expression a string value must match; null for none. */
    public String pattern() {
        return pattern == null ? null : pattern.pattern();
    }

    public T get(R record) {
        return accessor.apply(record);
    }

    boolean hasDerivedDefault() {
        return derivedDefault != null;
    }

    T defaultFor(Values values) {
        return derivedDefault != null ? derivedDefault.apply(values) : defaultValue;
    }

    boolean applies(Values values) {
        return appliesWhen == null || appliesWhen.test(values);
    }

    /** The range in interval notation, e.g. {@code (0, 1]}, {@code >= 1}; empty when unbounded. */
    public String rangeText() {
        if (min != null && max != null) {
            return (minExclusive ? "(" : "[") + number(min) + ", " + number(max) + (maxExclusive ? ")" : "]");
        }
        if (min != null) {
            return (minExclusive ? "> " : ">= ") + number(min);
        }
        if (max != null) {
            return (maxExclusive ? "< " : "<= ") + number(max);
        }
        return "";
    }

    /** {@code raw} converted to T and checked against type, choices and range; null (and an error) when invalid. */
    T convert(Object raw, String path, FieldErrors errors) {
        Object value;
        switch (kind) {
            case NUMBER -> {
                if (!(raw instanceof Number n) || !Double.isFinite(n.doubleValue())) {
                    return invalid(path, raw, "must be a finite number", errors);
                }
                value = n.doubleValue();
            }
            case INTEGER, LONG -> {
                double limit = kind == Kind.INTEGER ? Integer.MAX_VALUE : 9.007199254740992E15; // 2^53: exact in JSON
                if (!(raw instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())
                        || Math.abs(n.doubleValue()) > limit) {
                    return invalid(path, raw, "must be an integer", errors);
                }
                value = kind == Kind.INTEGER ? (Object) n.intValue() : (Object) n.longValue();
            }
            case BOOLEAN -> {
                if (!(raw instanceof Boolean)) {
                    return invalid(path, raw, "must be true or false", errors);
                }
                value = raw;
            }
            case STRING -> {
                if (!(raw instanceof String str)) {
                    return invalid(path, raw, "must be a string", errors);
                }
                if (pattern != null && !pattern.matcher(str).matches()) {
                    return invalid(path, raw, "must be " + patternDoc, errors);
                }
                value = raw;
            }
            case CHOICE -> {
                if (!(raw instanceof String s) || !choices.contains(s)) {
                    return invalid(path, raw, "must be one of " + String.join(", ", choices), errors);
                }
                value = s;
            }
            case CHOICE_LIST -> {
                if (!(raw instanceof List<?> list) || list.isEmpty()) {
                    return invalid(path, raw, "must be a non-empty list of " + String.join(", ", choices), errors);
                }
                for (Object item : list) {
                    if (!(item instanceof String s) || !choices.contains(s)) {
                        return invalid(path, raw, "every item must be one of " + String.join(", ", choices), errors);
                    }
                }
                if (new java.util.HashSet<>(list).size() != list.size()) {
                    return invalid(path, raw, "must not repeat an item", errors);
                }
                value = List.copyOf(list);
            }
            default -> throw new IllegalStateException(kind.name());
        }
        if (value instanceof Number n && !inRange(n.doubleValue())) {
            return invalid(path, raw, "must be " + rangeDescription(), errors);
        }
        @SuppressWarnings("unchecked")
        T typed = (T) value;
        return typed;
    }

    private boolean inRange(double v) {
        boolean aboveMin = min == null || (minExclusive ? v > min : v >= min);
        boolean belowMax = max == null || (maxExclusive ? v < max : v <= max);
        return aboveMin && belowMax;
    }

    private String rangeDescription() {
        String r = rangeText();
        return r.startsWith("(") || r.startsWith("[") ? "in " + r : r;
    }

    private T invalid(String path, Object raw, String why, FieldErrors errors) {
        errors.add(path, path + " = " + render(raw) + ": " + why);
        return null;
    }

    /** A value as it appears in messages: strings quoted, numbers without a spurious ".0". */
    public static String render(Object value) {
        if (value instanceof String s) {
            return "'" + s + "'";
        }
        if (value instanceof Double d) {
            return number(d);
        }
        return String.valueOf(value);
    }

    static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return String.valueOf(v).toLowerCase(Locale.ROOT);
    }
}
