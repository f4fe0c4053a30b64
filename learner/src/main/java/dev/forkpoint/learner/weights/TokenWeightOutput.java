package dev.forkpoint.learner.weights;

import java.util.Map;

/**
 * One token multiplier and its metrics.
 *
 * @param weights            per-token multiplier (flattened; padding values are irrelevant, they are masked)
 * @param narrowsDenominator the multiplier is a 0/1 mask that also replaces m in the aggregation's
 *                           denominator (forking with {@code selected} normalisation, section 13)
 * @param metrics            per-step metrics of this part, by their published names
 */
public record TokenWeightOutput(double[] weights, boolean narrowsDenominator, Map<String, Double> metrics) {
}
