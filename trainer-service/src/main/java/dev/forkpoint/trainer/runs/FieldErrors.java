package dev.forkpoint.trainer.runs;

import java.util.ArrayList;
import java.util.List;

/**
 * The field errors found while validating one run config. Every error names the JSON path of the
 * offending field (e.g. {@code training.groupSize}) so a 400 answer can say exactly what to fix.
 */
public final class FieldErrors {

    /** One offending field: its JSON path and what is wrong with it. */
    public record FieldError(String field, String message) {
    }

    private final List<FieldError> errors = new ArrayList<>();

    public void add(String field, String message) {
        errors.add(new FieldError(field, message));
    }

    /** Requires {@code min <= value <= max}; a null value is an error (defaults are filled in before). */
    public void range(String field, Number value, long min, long max) {
        if (value == null) {
            add(field, "is required");
        } else if (value.longValue() < min || value.longValue() > max) {
            add(field, field + " = " + value + ": must be between " + min + " and " + max);
        }
    }

    /** Requires {@code min <= value <= max} (or {@code min < value} when {@code minExclusive}); rejects NaN. */
    public void range(String field, Double value, double min, boolean minExclusive, double max) {
        if (value == null) {
            add(field, "is required");
            return;
        }
        boolean aboveMin = minExclusive ? value > min : value >= min;
        if (!aboveMin || !(value <= max)) {
            add(field, field + " = " + value + ": must be " + (minExclusive ? "> " : ">= ") + min + " and <= " + max);
        }
    }

    public boolean isEmpty() {
        return errors.isEmpty();
    }

    public List<FieldError> list() {
        return List.copyOf(errors);
    }
}
