package dev.forkpoint.learner.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A config document broke one or more rules. The same exception, with the same messages, reaches a REST client
 * (a 400 whose {@code errors} are {@link #errors()}) and a command-line user (each message on its own line).
 */
public class InvalidConfigException extends IllegalArgumentException {

    private final List<FieldError> errors;

    public InvalidConfigException(List<FieldError> errors) {
        super(errors.stream().map(FieldError::message).collect(Collectors.joining("; ")));
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("an invalid config needs at least one error");
        }
        this.errors = List.copyOf(errors);
    }

    public InvalidConfigException(String field, String message) {
        this(List.of(new FieldError(field, message)));
    }

    public List<FieldError> errors() {
        return errors;
    }
}
