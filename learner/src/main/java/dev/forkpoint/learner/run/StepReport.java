package dev.forkpoint.learner.run;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one training step reports: the headline numbers every caller shows (progress line, REST, Prometheus) and
 * every other metric by its stable name. Metrics are finite: a value that is NaN or infinite is left out (JSON has
 * neither).
 *
 * @param step            completed steps after this one (1-based)
 * @param reward          mean verifier score of every rollout sampled this step (all generation batches)
 * @param accuracy        share of those rollouts the verifier judged correct
 * @param entropy         mean rollout token entropy H_old (nats)
 * @param kl              {@code actor/ppo_kl}: mean olp - lp over the update's tokens (0 when no update ran)
 * @param clipfrac        {@code actor/pg_clipfrac} (0 when no update ran)
 * @param tokensPerSecond sampled tokens per second of rollout time
 * @param tokensSampled   tokens sampled this step
 * @param rolloutTime     time spent sampling and verifying
 * @param updateTime      time spent in the learner update
 * @param evalAccuracy    held-out accuracy when this step evaluated, else null
 * @param metrics         every metric by its stable name (verl-compatible where one exists)
 */
public record StepReport(int step, double reward, double accuracy, double entropy, double kl, double clipfrac,
                         double tokensPerSecond, long tokensSampled, Duration rolloutTime, Duration updateTime,
                         Double evalAccuracy, Map<String, Double> metrics) {

    public StepReport {
        Map<String, Double> finite = new LinkedHashMap<>();
        if (metrics != null) {
            metrics.forEach((k, v) -> {
                if (v != null && Double.isFinite(v)) {
                    finite.put(k, v);
                }
            });
        }
        metrics = java.util.Collections.unmodifiableMap(finite);
    }
}
