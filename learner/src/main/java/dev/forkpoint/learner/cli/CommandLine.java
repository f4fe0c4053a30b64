package dev.forkpoint.learner.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The arguments of one command, split into flags and positional arguments. Flags are {@code --name value},
 * {@code --name=value} or, for switches, {@code --name}; a flag the command does not declare, a missing value or a
 * repeated non-repeatable flag is a {@link UsageException} naming it.
 */
public final class CommandLine {

    /** A command line that cannot be run as given; the command prints it with its usage and exits with 2. */
    public static final class UsageException extends IllegalArgumentException {
        public UsageException(String message) {
            super(message);
        }
    }

    private final Map<String, List<String>> values = new LinkedHashMap<>();
    private final List<String> positional = new ArrayList<>();
    private final boolean help;

    private CommandLine(boolean help) {
        this.help = help;
    }

    /**
     * @param withValue  flags that take a value (without the leading dashes)
     * @param switches   flags that take none
     * @param repeatable flags (of {@code withValue}) that may be given more than once
     */
    public static CommandLine parse(String[] args, Set<String> withValue, Set<String> switches,
                                    Set<String> repeatable) {
        boolean help = false;
        for (String a : args) {
            help |= a.equals("--help") || a.equals("-h");
        }
        CommandLine line = new CommandLine(help);
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                continue;
            }
            if (!a.startsWith("--") || a.length() < 3) {
                line.positional.add(a);
                continue;
            }
            String name = a.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (switches.contains(name)) {
                if (value != null) {
                    throw new UsageException("--" + name + " takes no value");
                }
                line.add(name, "true", repeatable);
            } else if (withValue.contains(name)) {
                if (value == null) {
                    if (i + 1 >= args.length) {
                        throw new UsageException("--" + name + ": missing value");
                    }
                    value = args[++i];
                }
                line.add(name, value, repeatable);
            } else {
                Set<String> known = new LinkedHashSet<>(withValue);
                known.addAll(switches);
                throw new UsageException("unknown flag --" + name + (known.isEmpty() ? ""
                        : "; flags: --" + String.join(", --", known)));
            }
        }
        return line;
    }

    private void add(String name, String value, Set<String> repeatable) {
        List<String> list = values.computeIfAbsent(name, k -> new ArrayList<>());
        if (!list.isEmpty() && !repeatable.contains(name)) {
            throw new UsageException("--" + name + ": given twice");
        }
        list.add(value);
    }

    /** Whether {@code --help} or {@code -h} was given. */
    public boolean help() {
        return help;
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    /** The flag's value, or {@code fallback} when absent. */
    public String get(String name, String fallback) {
        List<String> v = values.get(name);
        return v == null ? fallback : v.get(0);
    }

    /** Every value of a repeatable flag, in order. */
    public List<String> all(String name) {
        return values.getOrDefault(name, List.of());
    }

    public List<String> positional() {
        return List.copyOf(positional);
    }

    /** Every flag and its values, in order (for commands that pass unknown-to-them flags on). */
    public Map<String, List<String>> flags() {
        return values;
    }

    public long longValue(String name, long fallback) {
        String v = get(name, null);
        try {
            return v == null ? fallback : Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " = '" + v + "': must be an integer");
        }
    }

    public int intValue(String name, int fallback) {
        long v = longValue(name, fallback);
        if (v != (int) v) {
            throw new UsageException("--" + name + " = " + v + ": out of range");
        }
        return (int) v;
    }

    public double doubleValue(String name, double fallback) {
        String v = get(name, null);
        try {
            return v == null ? fallback : Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " = '" + v + "': must be a number");
        }
    }
}
