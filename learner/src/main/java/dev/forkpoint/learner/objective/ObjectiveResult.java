package dev.forkpoint.learner.objective;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/**
 * One evaluation of the objective.
 *
 * @param loss       the scalar to minimise (policy loss + KL term), with gradient to lp; lives in lp's manager
 * @param pieces     each part's per-token output
 * @param metrics    per-step metrics by their published (verl-compatible) names, see {@link ObjectiveMetrics}
 */
public record ObjectiveResult(NDArray loss, PieceOutputs pieces, Map<String, Double> metrics) {
}
