package dev.forkpoint.rollout.task;

import java.math.BigDecimal;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Typed, validating reads of one task config map. Every error names the field as "task.&lt;key&gt; = value"
 * so a user sees exactly which entry of the run config to fix; keys nobody read are rejected by
 * {@link #rejectUnknown()} so that a typo ("maxNumbr") never silently falls back to a default.
 */
public final class ConfigFields {

    private final Map<String, ?> values;
    private final Set<String> known = new LinkedHashSet<>();

    public ConfigFields(Map<String, ?> values) {
        this.values = values;
        known.add("name");
    }

    public static String path(String key) {
        return "task." + key;
    }

    public static TaskConfigException invalid(String key, Object value, String why) {
        return new TaskConfigException(path(key), path(key) + " = " + render(value) + ": " + why);
    }

    private static String render(Object value) {
        return value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
    }

    public int intValue(String key, int defaultValue) {
        known.add(key);
        Object v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        return toInt(key, v);
    }

    private int toInt(String key, Object v) {
        if (v instanceof Integer i) {
            return i;
        }
        if (v instanceof Number n && !(v instanceof Float) && !(v instanceof Double)) {
            try {
                return new BigDecimal(n.toString()).intValueExact();
            } catch (ArithmeticException e) {
                throw invalid(key, v, "must be an integer in the int range");
            }
        }
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
                && Math.abs(n.doubleValue()) <= Integer.MAX_VALUE) {
            return (int) n.doubleValue();
        }
        throw invalid(key, v, "must be an integer");
    }

    public long longValue(String key, long defaultValue) {
        known.add(key);
        Object v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte
                || v instanceof java.math.BigInteger) {
            try {
                return new BigDecimal(v.toString()).longValueExact();
            } catch (ArithmeticException e) {
                throw invalid(key, v, "must be an integer in the long range");
            }
        }
        throw invalid(key, v, "must be an integer");
    }

    /** Integer in [min, max]. */
    public int intInRange(String key, int defaultValue, int min, int max) {
        int v = intValue(key, defaultValue);
        if (v < min || v > max) {
            throw invalid(key, v, "must be in [" + min + ", " + max + "]");
        }
        return v;
    }

    /** Optional integer (null when absent). */
    public Integer optionalInt(String key) {
        known.add(key);
        Object v = values.get(key);
        return v == null ? null : toInt(key, v);
    }

    public String string(String key, String defaultValue) {
        known.add(key);
        Object v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        if (!(v instanceof String s)) {
            throw invalid(key, v, "must be a string");
        }
        return s;
    }

    public boolean bool(String key, boolean defaultValue) {
        known.add(key);
        Object v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        if (!(v instanceof Boolean b)) {
            throw invalid(key, v, "must be true or false");
        }
        return b;
    }

    public String requiredString(String key) {
        String s = string(key, null);
        if (s == null) {
            throw new TaskConfigException(path(key), path(key) + ": required");
        }
        if (s.isBlank()) {
            throw invalid(key, s, "must not be empty");
        }
        return s;
    }

    /** A list of strings each in {@code allowed}, without duplicates, at least one. */
    public List<String> stringSet(String key, List<String> defaultValue, List<String> allowed) {
        known.add(key);
        Object v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        if (!(v instanceof List<?> list) || list.isEmpty()) {
            throw invalid(key, v, "must be a non-empty list of " + allowed);
        }
        Set<String> seen = new LinkedHashSet<>();
        for (Object o : list) {
            if (!(o instanceof String s) || !allowed.contains(s)) {
                throw invalid(key, v, "each entry must be one of " + allowed + ", got " + render(o));
            }
            if (!seen.add(s)) {
                throw invalid(key, v, "duplicate entry " + render(s));
            }
        }
        return List.copyOf(seen);
    }

    /** Fails on the first key (sorted, for a stable message) that no read asked for. */
    public void rejectUnknown() {
        Set<String> unknown = new TreeSet<>(values.keySet());
        unknown.removeAll(known);
        if (!unknown.isEmpty()) {
            String key = unknown.iterator().next();
            String loose = key.replace("_", "").replace("-", "").toLowerCase(java.util.Locale.ROOT);
            for (String k : known) {
                if (!k.equals(key) && k.toLowerCase(java.util.Locale.ROOT).equals(loose)) {
                    // Config keys are camelCase; a snake_case spelling of a known key says which one to write.
                    throw new TaskConfigException(path(key), path(key) + ": config keys are camelCase; write " + path(k));
                }
            }
            throw new TaskConfigException(path(key), path(key) + ": unknown key; known keys: " + known);
        }
    }
}
