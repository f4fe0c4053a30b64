package dev.forkpoint.learner.config.schema;

import dev.forkpoint.learner.config.FieldErrors;

/**
 * A key of a section whose value is an object: a nested {@link Section} ({@link Nested}) or a part whose reading
 * is owned elsewhere ({@link External}, e.g. the task registry).
 *
 * @param <R> the parent record
 * @param <C> the child's value
 */
public sealed interface Child<R, C> permits Nested, External {

    String key();

    /** The child's value in a parent record. */
    C get(R parent);

    /**
     * Reads the child's value.
     *
     * @param present  whether the key is in the document at all
     * @param raw      its value (null: absent or explicit null)
     * @param base     the value it takes when the document says nothing (from a preset); null for none
     * @param siblings the parent's fields, already read
     */
    C read(boolean present, Object raw, C base, String path, Values siblings, FieldErrors errors);

    /** The child's value as a document (maps, lists, scalars); null when off. */
    Object render(C value);

    /** What the key is for, for the reference docs. */
    String help();
}
