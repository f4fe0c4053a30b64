package dev.forkpoint.learner.config;

import java.util.ArrayList;
import java.util.List;

/** The field errors found while reading one config document; every error names the path of its field. */
public final class FieldErrors {

    private final List<FieldError> errors = new ArrayList<>();

    public void add(String field, String message) {
        errors.add(new FieldError(field, message));
    }

    public boolean isEmpty() {
        return errors.isEmpty();
    }

    /** Whether an error was reported for {@code field} or anything below it. */
    public boolean has(String field) {
        return errors.stream().anyMatch(e -> e.field().equals(field) || e.field().startsWith(field + "."));
    }

    public List<FieldError> list() {
        return List.copyOf(errors);
    }

    /** Throws {@link InvalidConfigException} when any error was found. */
    public void throwIfAny() {
        if (!errors.isEmpty()) {
            throw new InvalidConfigException(errors);
        }
    }
}
