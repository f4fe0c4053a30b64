package dev.forkpoint.learner.config.schema;

import dev.forkpoint.learner.config.FieldErrors;
import java.util.Map;
import java.util.function.Function;

/** A {@link Section} under a key of its parent; the section's {@link Section.Presence} says when it is on. */
public final class Nested<R, C> implements Child<R, C> {

    private final Section<C> section;
    private final Function<R, C> accessor;

    Nested(Section<C> section, Function<R, C> accessor) {
        this.section = section;
        this.accessor = accessor;
    }

    public Section<C> section() {
        return section;
    }

    @Override
    public String key() {
        return section.key();
    }

    @Override
    public C get(R parent) {
        return accessor.apply(parent);
    }

    @Override
    public C read(boolean present, Object raw, C base, String path, Values siblings, FieldErrors errors) {
        if (raw != null && !(raw instanceof Map<?, ?>)) {
            errors.add(path, path + " = " + Field.render(raw) + ": must be an object"
                    + (section.presence() == Section.Presence.OPTIONAL ? " ({} for the defaults) or null (off)" : ""));
            return null;
        }
        @SuppressWarnings("unchecked")
        Map<String, ?> map = (Map<String, ?>) raw;
        switch (section.presence()) {
            case ALWAYS -> {
                return section.read(map != null ? map : section.whenAbsent(), base, path, errors);
            }
            case OPTIONAL -> {
                if (!present) {
                    return base;
                }
                return map == null ? null : section.read(map, base, path, errors);
            }
            case BOUND -> {
                if (!section.isBoundOn(siblings)) {
                    if (map != null) {
                        errors.add(path, path + ": options given, but they are only used " + section.boundDoc()
                                + "; remove " + path);
                    }
                    return null;
                }
                return section.read(map, base, path, errors);
            }
            default -> throw new IllegalStateException(section.presence().name());
        }
    }

    @Override
    public Object render(C value) {
        return value == null ? null : section.render(value);
    }

    @Override
    public String help() {
        return section.help();
    }
}
