package dev.forkpoint.learner.objective;

import java.util.Map;

/**
 * Each part's per-token output of one objective evaluation, flattened row-major (0 on padding), for tests,
 * analytics and debugging. Null where the part is off.
 *
 * @param rows             B
 * @param cols             T
 * @param advantages       A broadcast from the sequence advantages (section 1)
 * @param hHat             HAPO h_hat (section 3)
 * @param epsLow           per-token epsLow (section 5, or fixed)
 * @param epsHigh          per-token epsHigh
 * @param shapedAdvantages A' after redistribution (section 6; equals {@code advantages} when off)
 * @param covariance       per-token covariance (sections 8-9, 15)
 * @param klCovSelected    KL-Cov's penalised tokens (section 9)
 * @param partWeights      each token weight's multiplier by its registry name (clip_cov, forking, steer)
 * @param tokenWeights     the product of all token multipliers, times the response mask
 */
public record PieceOutputs(int rows, int cols, double[] advantages, double[] hHat, double[] epsLow,
                           double[] epsHigh, double[] shapedAdvantages, double[] covariance,
                           boolean[] klCovSelected, Map<String, double[]> partWeights, double[] tokenWeights) {
}
