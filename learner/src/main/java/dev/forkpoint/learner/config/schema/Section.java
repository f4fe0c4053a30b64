package dev.forkpoint.learner.config.schema;

import dev.forkpoint.learner.config.FieldErrors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One object of a config document (the run, {@code training}, {@code objective}, {@code objective.forking}, ...):
 * its scalar {@link Field}s, its child objects, the rules that tie its values together, and the factory that
 * builds its record. Reading a document, writing it back in canonical form, and documenting it are the same walk
 * over this declaration, so none of them can drift from the others.
 *
 * <p>Keys are camelCase only. A snake_case key that names a known camelCase one is refused with a pointer to it.
 *
 * @param <R> the record built from the section
 */
public final class Section<R> {

    /** When a section is on. */
    public enum Presence {
        /** Always there; absent or null means its defaults. */
        ALWAYS,
        /** Off unless given: {@code {}} turns it on with its defaults (or a preset's values), null turns it off. */
        OPTIONAL,
        /** On exactly when a condition on the parent's values holds (e.g. {@code clipCov} with {@code loss = clip_cov}). */
        BOUND
    }

    /** A cross-field rule, run once every field of the section is valid. */
    public interface Rule<R> {
        void check(R value, String path, FieldErrors errors);
    }

    /** A key whose value picks the base record the other keys override (the objective's {@code preset}). */
    public interface Selector<R> {
        String key();

        /** The names a user may write (matched ignoring case), in display order. */
        List<String> names();

        /** The base record of the canonical name {@code name}. */
        R base(String name);

        /** The name {@code value} was built from; null when it was built without one. */
        String nameOf(R value);

        String help();
    }

    private final String key;
    private final Presence presence;
    private final List<Field<R, ?>> fields = new ArrayList<>();
    private final List<Child<R, ?>> children = new ArrayList<>();
    private final List<Rule<R>> rules = new ArrayList<>();
    private Function<Values, R> factory;
    private Predicate<Values> boundWhen;
    private String boundDoc;
    private Selector<R> selector;
    private Map<String, ?> whenAbsent = Map.of();
    private final Map<String, String> retired = new LinkedHashMap<>();
    private String help = "";
    private String source;

    private Section(String key, Presence presence) {
        this.key = key;
        this.presence = presence;
    }

    /** A section that is always there (absent or null means its defaults). */
    public static <R> Section<R> always(String key) {
        return new Section<>(key, Presence.ALWAYS);
    }

    /** A part that is off unless given. */
    public static <R> Section<R> optional(String key) {
        return new Section<>(key, Presence.OPTIONAL);
    }

    /** A part that is on exactly when {@code rule} holds for the parent's values; {@code doc} says when. */
    public static <R> Section<R> bound(String key, Predicate<Values> rule, String doc) {
        Section<R> s = new Section<>(key, Presence.BOUND);
        s.boundWhen = rule;
        s.boundDoc = doc;
        return s;
    }

    // ---- declaration ----

    @SafeVarargs
    public final Section<R> fields(Field<R, ?>... declared) {
        fields.addAll(List.of(declared));
        return this;
    }

    /** A nested section whose value the parent record holds at {@code accessor}. */
    public <C> Section<R> child(Section<C> section, Function<R, C> accessor) {
        children.add(new Nested<>(section, accessor));
        return this;
    }

    public <C> Section<R> child(External<R, C> external) {
        children.add(external);
        return this;
    }

    public Section<R> selector(Selector<R> presets) {
        this.selector = presets;
        return this;
    }

    public Section<R> rule(Rule<R> rule) {
        rules.add(rule);
        return this;
    }

    public Section<R> factory(Function<Values, R> build) {
        this.factory = build;
        return this;
    }

    /** For an {@link Presence#ALWAYS} section: the document read when it is absent or null (default: empty). */
    public Section<R> whenAbsent(Map<String, ?> document) {
        this.whenAbsent = document;
        return this;
    }

    /** A key that no longer exists here; giving it is refused with {@code instead} (what to write now). */
    public Section<R> retired(String oldKey, String instead) {
        retired.put(oldKey, instead);
        return this;
    }

    public Section<R> help(String text) {
        this.help = text;
        return this;
    }

    public Section<R> source(String text) {
        this.source = text;
        return this;
    }

    // ---- reading ----

    public String key() {
        return key;
    }

    public Presence presence() {
        return presence;
    }

    public List<Field<R, ?>> fields() {
        return List.copyOf(fields);
    }

    public List<Child<R, ?>> children() {
        return List.copyOf(children);
    }

    public Selector<R> selector() {
        return selector;
    }

    public String boundDoc() {
        return boundDoc;
    }

    public String help() {
        return help;
    }

    public String source() {
        return source;
    }

    Map<String, ?> whenAbsent() {
        return whenAbsent;
    }

    boolean isBoundOn(Values parent) {
        return boundWhen.test(parent);
    }

    /** The record of this section's defaults (an empty document). */
    public R defaults() {
        FieldErrors errors = new FieldErrors();
        R r = read(whenAbsent, null, key, errors);
        errors.throwIfAny();
        return r;
    }

    /**
     * Reads {@code document} (null: absent) over {@code base} (null: the declared defaults); every problem is added
     * to {@code errors} under its dotted path. Returns null when anything in the section was invalid.
     */
    public R read(Map<String, ?> document, R base, String path, FieldErrors errors) {
        Map<String, ?> doc = document == null ? Map.of() : document;
        int before = errors.list().size();
        rejectUnknownKeys(doc, path, errors);
        Values values = new Values();
        if (selector != null && doc.get(selector.key()) != null) {
            Object raw = doc.get(selector.key());
            String name = raw instanceof String s ? canonicalName(s) : null;
            if (name == null) {
                String p = join(path, selector.key());
                errors.add(p, p + " = " + Field.render(raw) + ": unknown; one of " + String.join(", ", selector.names()));
                return null;
            }
            base = selector.base(name);
            values.put(selector.key(), name);
            values.markGiven(selector.key());
        }
        for (Field<R, ?> f : fields) {
            readField(f, doc, base, path, values, errors);
        }
        for (Field<R, ?> f : fields) {
            applyCondition(f, path, values, errors);
        }
        for (Child<R, ?> c : children) {
            readChild(c, doc, base, path, values, errors);
        }
        if (errors.list().size() > before) {
            return null;
        }
        R value = factory.apply(values);
        for (Rule<R> rule : rules) {
            rule.check(value, path, errors);
        }
        return errors.list().size() > before ? null : value;
    }

    private <T> void readField(Field<R, T> f, Map<String, ?> doc, R base, String path, Values values,
                               FieldErrors errors) {
        Object raw = doc.get(f.key());
        if (raw != null) {
            values.put(f.key(), f.convert(raw, join(path, f.key()), errors));
            values.markGiven(f.key());
        } else if (doc.containsKey(f.key()) && f.isNullable()) {
            values.put(f.key(), null);
            values.markGiven(f.key());
        } else if (base != null && !f.hasDerivedDefault()) {
            values.put(f.key(), f.get(base));
        } else {
            values.put(f.key(), f.hasDerivedDefault() ? null : f.defaultValue());
        }
    }

    /** A key that does not apply is refused when given and reads as null; one that does gets its default if unset. */
    private <T> void applyCondition(Field<R, T> f, String path, Values values, FieldErrors errors) {
        if (!f.applies(values)) {
            if (values.given(f.key()) && values.get(f) != null) {
                String p = join(path, f.key());
                errors.add(p, p + ": has no effect here; it is only used " + f.appliesDoc());
            }
            values.put(f.key(), null);
        } else if (values.get(f) == null && !(f.isNullable() && values.given(f.key()))) {
            values.put(f.key(), f.defaultFor(values));
        }
    }

    private <C> void readChild(Child<R, C> c, Map<String, ?> doc, R base, String path, Values values,
                               FieldErrors errors) {
        C baseValue = base == null ? null : c.get(base);
        C value = c.read(doc.containsKey(c.key()), doc.get(c.key()), baseValue, join(path, c.key()), values, errors);
        values.put(c.key(), value);
    }

    private String canonicalName(String given) {
        for (String n : selector.names()) {
            if (n.equalsIgnoreCase(given.trim())) {
                return n;
            }
        }
        return null;
    }

    private void rejectUnknownKeys(Map<String, ?> doc, String path, FieldErrors errors) {
        Set<String> known = new LinkedHashSet<>();
        if (selector != null) {
            known.add(selector.key());
        }
        fields.forEach(f -> known.add(f.key()));
        children.forEach(c -> known.add(c.key()));
        for (String k : doc.keySet()) {
            if (known.contains(k)) {
                continue;
            }
            String p = join(path, k);
            if (retired.containsKey(k)) {
                errors.add(p, p + ": no longer a key here; " + retired.get(k));
                continue;
            }
            String camel = known.stream().filter(n -> loose(n).equals(loose(k))).findFirst().orElse(null);
            if (camel != null) {
                errors.add(p, p + ": config keys are camelCase; write " + join(path, camel));
            } else {
                errors.add(p, p + ": unknown key; known keys" + (path.isEmpty() ? "" : " of " + path) + ": "
                        + String.join(", ", known));
            }
        }
    }

    /** A key with case, '_' and '-' ignored: {@code clip_high}, {@code wmin} match {@code clipHigh}, {@code wMin}. */
    private static String loose(String key) {
        return key.replace("_", "").replace("-", "").toLowerCase(Locale.ROOT);
    }

    /** The canonical document of {@code value}: every key with its value (null for a part that is off). */
    public Map<String, Object> render(R value) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (selector != null && selector.nameOf(value) != null) {
            out.put(selector.key(), selector.nameOf(value));
        }
        for (Field<R, ?> f : fields) {
            out.put(f.key(), f.get(value));
        }
        for (Child<R, ?> c : children) {
            out.put(c.key(), renderChild(c, value));
        }
        return out;
    }

    private static <R, C> Object renderChild(Child<R, C> c, R parent) {
        return c.render(c.get(parent));
    }

    static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    @Override
    public String toString() {
        return "Section(" + key + ", " + presence.name().toLowerCase(Locale.ROOT) + ")";
    }
}
