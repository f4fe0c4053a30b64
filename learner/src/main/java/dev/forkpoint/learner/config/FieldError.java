package dev.forkpoint.learner.config;

/**
 * One offending config value: the dotted path of the field (e.g. {@code training.groupSize}) and a message that
 * starts with that path and says what is wrong and what is allowed.
 */
public record FieldError(String field, String message) {
}
