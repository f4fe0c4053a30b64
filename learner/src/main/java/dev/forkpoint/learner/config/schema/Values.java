package dev.forkpoint.learner.config.schema;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** The values read for one section, by key: what its factory, its rules and its fields' conditions see. */
public final class Values {

    private final Map<String, Object> values = new HashMap<>();
    private final Set<String> given = new HashSet<>();

    @SuppressWarnings("unchecked")
    public <T> T get(Field<?, T> field) {
        return (T) values.get(field.key());
    }

    @SuppressWarnings("unchecked")
    public <C> C get(Child<?, C> child) {
        return (C) values.get(child.key());
    }

    /** The value read for {@code key} (a field, a child or the selector), by name. */
    public Object get(String key) {
        return values.get(key);
    }

    /** Whether the document gave a non-null value for {@code key} (as opposed to a default or preset value). */
    public boolean given(String key) {
        return given.contains(key);
    }

    void put(String key, Object value) {
        values.put(key, value);
    }

    void markGiven(String key) {
        given.add(key);
    }
}
