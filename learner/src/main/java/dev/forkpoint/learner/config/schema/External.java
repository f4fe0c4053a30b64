package dev.forkpoint.learner.config.schema;

import dev.forkpoint.learner.config.FieldErrors;
import java.util.Map;
import java.util.function.Function;

/**
 * A child whose reading and rendering belong to another registry (the task registry): the schema only knows its
 * key, what it holds when absent, and how to turn it back into a document.
 */
public final class External<R, C> implements Child<R, C> {

    /** Reads a present, non-null value; reports problems into {@code errors} and returns null for them. */
    public interface Reader<C> {
        C read(Object raw, String path, FieldErrors errors);
    }

    private final String key;
    private final Function<R, C> accessor;
    private final Reader<C> reader;
    private final Function<C, Object> renderer;
    private final Map<String, Object> whenAbsent;
    private final String help;

    /** @param whenAbsent the document read when the key is absent or null */
    public External(String key, Function<R, C> accessor, Reader<C> reader, Function<C, Object> renderer,
                    Map<String, Object> whenAbsent, String help) {
        this.key = key;
        this.accessor = accessor;
        this.reader = reader;
        this.renderer = renderer;
        this.whenAbsent = whenAbsent;
        this.help = help;
    }

    @Override
    public String key() {
        return key;
    }

    @Override
    public C get(R parent) {
        return accessor.apply(parent);
    }

    @Override
    public C read(boolean present, Object raw, C base, String path, Values siblings, FieldErrors errors) {
        if (raw == null) {
            return base != null ? base : reader.read(whenAbsent, path, errors);
        }
        return reader.read(raw, path, errors);
    }

    @Override
    public Object render(C value) {
        return value == null ? null : renderer.apply(value);
    }

    @Override
    public String help() {
        return help;
    }

    /** The document an absent key stands for. */
    public Map<String, Object> whenAbsent() {
        return whenAbsent;
    }
}
