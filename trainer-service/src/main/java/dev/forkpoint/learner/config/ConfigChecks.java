package dev.forkpoint.learner.config;

/** Range checks shared by the option records; each message names the config key and its value. */
final class ConfigChecks {

    private ConfigChecks() {
    }

    static double finite(String key, double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException(key + " = " + v + ": must be a finite number");
        }
        return v;
    }

    /** v in [lo, hi]. */
    static double closed(String key, double v, double lo, double hi) {
        if (!(v >= lo && v <= hi)) {
            throw new IllegalArgumentException(key + " = " + v + ": must be in [" + lo + ", " + hi + "]");
        }
        return v;
    }

    /** v in (lo, hi]. */
    static double leftOpen(String key, double v, double lo, double hi) {
        if (!(v > lo && v <= hi)) {
            throw new IllegalArgumentException(key + " = " + v + ": must be in (" + lo + ", " + hi + "]");
        }
        return v;
    }

    static double atLeast(String key, double v, double lo) {
        if (!(v >= lo) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(key + " = " + v + ": must be a finite number >= " + lo);
        }
        return v;
    }

    static double greaterThan(String key, double v, double lo) {
        if (!(v > lo) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(key + " = " + v + ": must be a finite number > " + lo);
        }
        return v;
    }
}
