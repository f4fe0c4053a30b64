package dev.forkpoint.trainer.runs;

import java.util.List;
import java.util.stream.Collectors;

/** A submitted run config broke one or more rules; every error names its field. */
public class InvalidRunConfigException extends RuntimeException {

    private final List<FieldErrors.FieldError> errors;

    public InvalidRunConfigException(List<FieldErrors.FieldError> errors) {
        super(errors.stream().map(FieldErrors.FieldError::message).collect(Collectors.joining("; ")));
        this.errors = List.copyOf(errors);
    }

    public List<FieldErrors.FieldError> errors() {
        return errors;
    }
}
