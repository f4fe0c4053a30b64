package dev.forkpoint.rollout.task;

import java.util.Objects;

/**
 * A verifier's judgement of one response.
 *
 * @param score   reward in [0, 1]; the built-in verifiers are binary (1 when correct, else 0)
 * @param correct whether the response solves the problem (accuracy counts these)
 * @param reason  short human-readable cause, e.g. "correct", "reused number 5", "wrong total 14 != 16"
 */
public record Verdict(double score, boolean correct, String reason) {

    public Verdict {
        if (!(score >= 0.0 && score <= 1.0)) {
            throw new IllegalArgumentException("score = " + score + ": must be in [0, 1]");
        }
        Objects.requireNonNull(reason, "reason");
    }

    public static Verdict right() {
        return new Verdict(1.0, true, "correct");
    }

    public static Verdict wrong(String reason) {
        return new Verdict(0.0, false, reason);
    }
}
