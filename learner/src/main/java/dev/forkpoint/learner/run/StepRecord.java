package dev.forkpoint.trainer.runs;

import java.time.Instant;
import java.util.Map;

/** One row of {@code run_steps}: the headline metrics of a completed step and everything else reported. */
public record StepRecord(int step, Double reward, Double accuracy, Double entropy, Double kl, Double clipfrac,
                         Double tokensPerSecond, Long tokensSampled, Double evalAccuracy, Double rolloutMs,
                         Double updateMs, Map<String, Object> metrics, Instant recordedAt) {
}
