package dev.forkpoint.learner.run;

import dev.forkpoint.learner.config.HapoOptions;
import dev.forkpoint.learner.config.ObjectiveConfig;
import dev.forkpoint.learner.config.RunSpec;
import dev.forkpoint.rollout.entropy.NormalizedEntropy;

/**
 * How the knobs that exist on both the sampling and the objective side combine for one run.
 *
 * @param objective           the run's objective
 * @param adaptiveTemperature HAPO adaptive temperature for training rollouts: {@code sampling.adaptiveTemperature}
 *                            or the objective's {@code hapo.adaptiveTemperature}
 * @param tau                 {@code sampling.tau} when the sampling section asks for it, else
 *                            {@code hapo.temperatureTau}
 * @param pivotQuantile       {@code hapo.pivot}, else 0.8
 * @param maxGenBatches       dynamic sampling's bound, {@code training.maxGenBatches} (1 without dynamic sampling)
 */
public record RunSettings(ObjectiveConfig objective, boolean adaptiveTemperature, double tau, double pivotQuantile,
                          int maxGenBatches) {

    public static RunSettings of(RunSpec config) {
        ObjectiveConfig objective = config.objective();
        HapoOptions hapo = objective.hapo();
        boolean fromSampling = config.sampling().adaptiveTemperature();
        boolean fromHapo = hapo != null && hapo.adaptiveTemperature();
        boolean adaptive = fromSampling || fromHapo;
        double tau = fromSampling || !fromHapo ? config.sampling().tau() : hapo.temperatureTau();
        double pivot = hapo != null ? hapo.pivot() : NormalizedEntropy.DEFAULT_PIVOT_QUANTILE;
        int maxGen = objective.dynamicSampling() == null ? 1 : config.training().maxGenBatches();
        return new RunSettings(objective, adaptive, tau, pivot, maxGen);
    }
}
