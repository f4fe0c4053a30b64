package dev.forkpoint.analytics.store;

/**
 * How many steps' sampled sequences to keep per run: after each write, samples of a run older than its last
 * {@code keepLastSteps} distinct sampled steps (both phases) are deleted. Aggregates and forking tokens are small
 * and always kept.
 *
 * @param keepLastSteps distinct steps whose samples are kept per run, >= 1
 */
public record SampleRetention(int keepLastSteps) {
    public SampleRetention {
        if (keepLastSteps < 1) {
            throw new IllegalArgumentException("keepLastSteps = " + keepLastSteps + ": must be >= 1");
        }
    }

    public static SampleRetention keepAll() {
        return new SampleRetention(Integer.MAX_VALUE);
    }
}
