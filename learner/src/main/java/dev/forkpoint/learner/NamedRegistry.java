package dev.forkpoint.learner;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Parts of the objective registered under the name a user writes in the config (style.md: like verl's
 * {@code register_policy_loss} / {@code get_policy_loss_fn}). Adding an algorithm is registering one part.
 *
 * @param <T> the part type (estimator, token loss, aggregation mode, ...)
 */
public final class NamedRegistry<T> {

    private final String configKey;
    private final Map<String, T> parts = new LinkedHashMap<>();

    /** @param configKey the config key whose value selects a part; it names the key in error messages */
    public NamedRegistry(String configKey) {
        this.configKey = configKey;
    }

    public NamedRegistry<T> register(String name, T part) {
        if (parts.putIfAbsent(name, part) != null) {
            throw new IllegalStateException(configKey + ": '" + name + "' is already registered");
        }
        return this;
    }

    /** The part registered under {@code name}; an unknown name fails with the supported names. */
    public T get(String name) {
        T part = parts.get(name);
        if (part == null) {
            throw new IllegalArgumentException(configKey + " = '" + name + "': unknown; supported: "
                    + String.join(", ", parts.keySet()));
        }
        return part;
    }

    public boolean contains(String name) {
        return parts.containsKey(name);
    }

    public Set<String> names() {
        return Collections.unmodifiableSet(parts.keySet());
    }
}
