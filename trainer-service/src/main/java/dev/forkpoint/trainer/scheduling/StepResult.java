package dev.forkpoint.trainer.scheduling;

import java.time.Duration;
import java.util.Map;

/**
 * What one training step reports (architecture.md, "One training step").
 *
 * @param step            completed steps after this one (1-based)
 * @param reward          mean sequence reward of the step's rollouts
 * @param accuracy        share of rollouts the verifier accepted
 * @param entropy         mean token entropy H of the rollouts, in nats
 * @param kl              mean KL estimate to the rollout policy
 * @param clipfrac        share of tokens whose ratio was clipped (pg_clipfrac, section 7)
 * @param tokensPerSecond sampled tokens per second of rollout time
 * @param tokensSampled   tokens sampled in this step
 * @param rolloutTime     time spent sampling
 * @param updateTime      time spent in the learner update
 * @param evalAccuracy    held-out accuracy when this step evaluated; null otherwise
 * @param metrics         every other metric, by its stable name (stored as JSON)
 */
public record StepResult(int step, double reward, double accuracy, double entropy, double kl, double clipfrac,
                         double tokensPerSecond, long tokensSampled, Duration rolloutTime, Duration updateTime,
                         Double evalAccuracy, Map<String, Double> metrics) {

    public StepResult {
        metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
    }
}
