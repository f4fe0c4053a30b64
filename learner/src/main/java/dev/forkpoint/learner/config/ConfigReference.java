package dev.forkpoint.learner.config;

import dev.forkpoint.learner.config.schema.Child;
import dev.forkpoint.learner.config.schema.External;
import dev.forkpoint.learner.config.schema.Field;
import dev.forkpoint.learner.config.schema.Nested;
import dev.forkpoint.learner.config.schema.Section;
import dev.forkpoint.rollout.task.Tasks;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * docs/config-reference.md, written from the config declaration itself ({@link RunSpec#SCHEMA}, every objective
 * part, the presets, the task registry): every key with its type, default, range, when it applies, what it does
 * and where it comes from. A test compares the committed file with this output, so the reference cannot go stale.
 */
public final class ConfigReference {

    /** How to regenerate the file, quoted in it and in the test's failure message. */
    public static final String REGENERATE = "mvn -B -q -pl learner -am test -Dtest=ConfigReferenceTest "
            + "-Dsurefire.failIfNoSpecifiedTests=false -Dforkpoint.writeReference=true";

    private ConfigReference() {
    }

    public static String markdown() {
        StringBuilder b = new StringBuilder();
        b.append("# Run config reference\n\n");
        b.append("<!-- Generated from the config declaration (RunSpec.SCHEMA, the objective parts, the presets and the\n");
        b.append("     task registry); do not edit. Regenerate with:\n     ").append(REGENERATE).append(" -->\n\n");
        b.append("""
                One document describes a run, in YAML or JSON: the body of `POST /api/v1/runs` and the file of
                `forkpoint train CONFIG` (whose `--set key.path=value` overrides any key below). Both read it with the
                same parser, so a document is accepted or refused, with the same messages, by both. Every key has a
                default; unknown keys are refused with the list of known ones. Keys are camelCase only: a snake_case
                key that names a camelCase one (`clip_high`) is refused with the name to write (`clipHigh`).

                An objective part (a section such as `objective.forking`) is off unless given: `{}` turns it on with
                its defaults (or its preset's values), `null` turns it off, and keys inside it override one at a time.
                A key that only applies with another setting is refused when given without it. The formulas behind
                the keys are in docs/algorithms.md (section numbers below refer to it).

                """);
        section(b, RunSpec.SCHEMA, "");
        return b.toString();
    }

    private static void section(StringBuilder b, Section<?> s, String path) {
        b.append(path.isEmpty() ? "## Top level" : (path.contains(".") ? "### `" : "## `") + path
                + (path.isEmpty() ? "" : "`")).append("\n\n");
        if (!s.help().isEmpty()) {
            b.append(s.help()).append(' ');
        }
        switch (s.presence()) {
            case OPTIONAL -> b.append("Off unless given.");
            case BOUND -> b.append("On exactly ").append(s.boundDoc()).append('.');
            case ALWAYS -> { }
        }
        if (s.source() != null) {
            b.append(" Source: ").append(sentence(s.source()));
        }
        b.append("\n\n| key | type | default | allowed | description |\n|---|---|---|---|---|\n");
        if (s.selector() != null) {
            b.append("| `").append(s.selector().key()).append("` | string | ")
                    .append(path.equals("objective") ? "`GRPO` when the whole `objective` is absent; none when it is "
                            + "given without one" : "none")
                    .append(" | ").append(s.selector().names().stream().map(n -> "`" + n + "`")
                            .collect(Collectors.joining(", "))).append(" (any case) | ")
                    .append(cell(s.selector().help())).append(" |\n");
        }
        for (Field<?, ?> f : s.fields()) {
            b.append("| `").append(f.key()).append("` | ").append(type(f)).append(" | ").append(defaultText(f))
                    .append(" | ").append(allowed(f)).append(" | ").append(cell(description(f, s.source())))
                    .append(" |\n");
        }
        for (Child<?, ?> c : s.children()) {
            String where = c instanceof Nested<?, ?> n ? switch (n.section().presence()) {
                case ALWAYS -> "object";
                case OPTIONAL -> "object or null (off)";
                case BOUND -> "object, " + n.section().boundDoc();
            } : "object";
            b.append("| `").append(c.key()).append("` | ").append(where).append(" | see below | | ")
                    .append(cell(c.help())).append(" |\n");
        }
        b.append('\n');
        if (path.equals("objective")) {
            presets(b);
        }
        for (Child<?, ?> c : s.children()) {
            String childPath = path.isEmpty() ? c.key() : path + "." + c.key();
            if (c instanceof Nested<?, ?> n) {
                section(b, n.section(), childPath);
            } else if (c instanceof External<?, ?> e) {
                tasks(b, childPath, e);
            }
        }
    }

    private static void presets(StringBuilder b) {
        b.append("### Presets\n\n`objective.preset` starts from one of these; the keys given beside it override the "
                + "keys it sets.\n\n| preset | what it is | keys it sets over the defaults |\n|---|---|---|\n");
        for (ObjectivePreset p : ObjectivePreset.values()) {
            b.append("| `").append(p.name()).append("` | ").append(cell(p.description())).append(" | `")
                    .append(flow(p.overrides())).append("` |\n");
        }
        b.append('\n');
    }

    private static void tasks(StringBuilder b, String path, External<?, ?> e) {
        b.append("## `").append(path).append("`\n\n").append(e.help()).append(" Default: `")
                .append(flow(e.whenAbsent())).append("`. Unknown keys are refused; every key of a task is optional "
                        + "unless marked required.\n\n");
        for (Tasks.Description t : Tasks.descriptions()) {
            b.append("### `").append(path).append(".name: ").append(t.name()).append("`\n\n").append(t.help())
                    .append("\n\n| key | default |\n|---|---|\n");
            for (Map.Entry<String, Object> k : t.defaults().entrySet()) {
                b.append("| `").append(k.getKey()).append("` | ").append(t.required().contains(k.getKey())
                        ? "required" : k.getValue() == null ? "none" : "`" + value(k.getValue()) + "`").append(" |\n");
            }
            b.append('\n');
        }
    }

    private static String type(Field<?, ?> f) {
        return switch (f.kind()) {
            case NUMBER -> "number";
            case INTEGER, LONG -> "integer";
            case BOOLEAN -> "boolean";
            case STRING, CHOICE -> "string";
            case CHOICE_LIST -> "list of strings";
        } + (f.isNullable() ? " or null" : "");
    }

    private static String defaultText(Field<?, ?> f) {
        if (f.derivedDefaultDoc() != null) {
            return f.derivedDefaultDoc();
        }
        if (f.defaultValue() == null) {
            return f.isNullable() ? "null: " + f.nullMeans() : "none";
        }
        return "`" + value(f.defaultValue()) + "`";
    }

    private static String allowed(Field<?, ?> f) {
        if (!f.choices().isEmpty()) {
            return f.choices().stream().map(c -> "`" + c + "`").collect(Collectors.joining(", "));
        }
        if (f.patternDoc() != null) {
            return f.patternDoc();
        }
        String range = f.rangeText();
        return range.isEmpty() ? "" : "`" + range + "`";
    }

    /** The help text, when it applies, and its source unless the section already names the same one. */
    private static String description(Field<?, ?> f, String sectionSource) {
        StringBuilder d = new StringBuilder(f.help());
        if (f.appliesDoc() != null) {
            d.append(" Only ").append(f.appliesDoc()).append('.');
        }
        if (f.source() != null && !f.source().equals(sectionSource)) {
            d.append(" Source: ").append(sentence(f.source()));
        }
        return d.toString();
    }

    private static String sentence(String text) {
        return text.endsWith(".") ? text : text + ".";
    }

    private static String value(Object v) {
        return v instanceof Double d ? Field.render(d) : v instanceof List<?> l
                ? l.stream().map(String::valueOf).collect(Collectors.joining(", ", "[", "]")) : String.valueOf(v);
    }

    /** A document in YAML flow style, keys sorted for a stable text. */
    private static String flow(Map<String, ?> doc) {
        return doc.entrySet().stream().sorted(Map.Entry.comparingByKey()).map(e -> e.getKey() + ": "
                + (e.getValue() instanceof Map<?, ?> m ? (m.isEmpty() ? "{}" : flow(castMap(m))) : value(e.getValue())))
                .collect(Collectors.joining(", ", "{", "}"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, ?> castMap(Map<?, ?> m) {
        return (Map<String, ?>) m;
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
