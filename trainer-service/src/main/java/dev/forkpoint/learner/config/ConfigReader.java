package dev.forkpoint.learner.config;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Typed reads from one level of a parsed config map; remembers the keys it was asked for so that any other
 * key is reported as unknown, with its full dotted path.
 */
final class ConfigReader {

    private final String prefix;
    private final Map<String, ?> values;
    private final Set<String> known = new LinkedHashSet<>();

    ConfigReader(String prefix, Map<String, ?> values) {
        this.prefix = prefix;
        this.values = values;
    }

    String path(String key) {
        return prefix.isEmpty() ? key : prefix + "." + key;
    }

    boolean has(String key) {
        known.add(key);
        return values.containsKey(key);
    }

    /** True when the key is present with an explicit null (a section switched off). */
    boolean isNull(String key) {
        return has(key) && values.get(key) == null;
    }

    String string(String key, String fallback) {
        if (!has(key)) {
            return fallback;
        }
        Object v = values.get(key);
        if (!(v instanceof String s)) {
            throw new IllegalArgumentException(path(key) + " = " + v + ": must be a string");
        }
        return s;
    }

    double number(String key, double fallback) {
        if (!has(key)) {
            return fallback;
        }
        Object v = values.get(key);
        if (!(v instanceof Number n)) {
            throw new IllegalArgumentException(path(key) + " = " + describe(v) + ": must be a number");
        }
        return n.doubleValue();
    }

    Integer integer(String key, Integer fallback) {
        if (!has(key)) {
            return fallback;
        }
        Object v = values.get(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())
                || Math.abs(n.doubleValue()) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(path(key) + " = " + describe(v) + ": must be an integer");
        }
        return n.intValue();
    }

    boolean bool(String key, boolean fallback) {
        if (!has(key)) {
            return fallback;
        }
        Object v = values.get(key);
        if (!(v instanceof Boolean b)) {
            throw new IllegalArgumentException(path(key) + " = " + describe(v) + ": must be true or false");
        }
        return b;
    }

    /** The nested section under {@code key}, or null when absent or explicitly null. */
    ConfigReader section(String key) {
        if (!has(key) || values.get(key) == null) {
            return null;
        }
        Object v = values.get(key);
        if (!(v instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException(path(key) + " = " + describe(v) + ": must be an object");
        }
        @SuppressWarnings("unchecked")
        Map<String, ?> typed = (Map<String, ?>) m;
        return new ConfigReader(path(key), typed);
    }

    /** Fails on the first key that no read asked for. */
    void rejectUnknown() {
        for (String key : values.keySet()) {
            if (!known.contains(key)) {
                throw new IllegalArgumentException(path(key) + ": unknown key; supported: "
                        + String.join(", ", known));
            }
        }
    }

    private static String describe(Object v) {
        return v instanceof String s ? "'" + s + "'" : String.valueOf(v);
    }
}
