package dev.forkpoint.learner.run;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * One completed step as users read it: an item of {@code GET /api/v1/runs/{id}/metrics}, a row of
 * {@code run_steps}, and a line of {@code forkpoint train --metrics-out} (the same JSON keys everywhere).
 */
public record StepRecord(int step, Double reward, Double accuracy, Double entropy, Double kl, Double clipfrac,
                         Double tokensPerSecond, Long tokensSampled, Double evalAccuracy, Double rolloutMs,
                         Double updateMs, Map<String, ?> metrics, Instant recordedAt) {

    /** The record of a step just reported. */
    public static StepRecord of(StepReport r, Instant recordedAt) {
        return new StepRecord(r.step(), r.reward(), r.accuracy(), r.entropy(), r.kl(), r.clipfrac(),
                r.tokensPerSecond(), r.tokensSampled(), r.evalAccuracy(), millis(r.rolloutTime()),
                millis(r.updateTime()), r.metrics(), recordedAt);
    }

    private static Double millis(Duration d) {
        return d == null ? 0.0 : d.toNanos() / 1e6;
    }
}
