package dev.forkpoint.learner.run;

import dev.forkpoint.learner.config.HapoOptions;
import dev.forkpoint.learner.config.ObjectiveConfig;
import dev.forkpoint.learner.config.ObjectiveConfigParser;
import dev.forkpoint.rollout.entropy.NormalizedEntropy;
import dev.forkpoint.rollout.task.Task;
import dev.forkpoint.rollout.task.Tasks;
import dev.forkpoint.trainer.runs.RunConfig;

/**
 * The parts of a {@link RunConfig} the learner derives before opening a run: the parsed objective, the task,
 * and how the two knobs that exist on both sides combine.
 *
 * @param objective           the parsed {@code objective} section
 * @param adaptiveTemperature HAPO adaptive temperature for training rollouts: {@code sampling.adaptiveTemperature}
 *                            or the objective's {@code hapo.adaptive_temperature}
 * @param tau                 {@code sampling.tau} when the sampling section asks for it, else
 *                            {@code hapo.temperature_tau}
 * @param pivotQuantile       {@code hapo.pivot}, else 0.8
 * @param maxGenBatches       dynamic sampling's bound, {@code training.maxGenBatches} (1 without dynamic sampling)
 */
public record RunSettings(ObjectiveConfig objective, boolean adaptiveTemperature, double tau, double pivotQuantile,
                          int maxGenBatches) {

    public static RunSettings of(RunConfig config) {
        ObjectiveConfig objective = ObjectiveConfigParser.parse(config.objective());
        HapoOptions hapo = objective.hapo();
        boolean fromSampling = config.sampling().adaptiveTemperature();
        boolean adaptive = fromSampling || (hapo != null && hapo.adaptiveTemperature());
        double tau = fromSampling || hapo == null ? config.sampling().tau() : hapo.temperatureTau();
        double pivot = hapo != null ? hapo.pivot() : NormalizedEntropy.DEFAULT_PIVOT_QUANTILE;
        int maxGen = objective.dynamicSampling() == null ? 1 : config.training().maxGenBatches();
        return new RunSettings(objective, adaptive, tau, pivot, maxGen);
    }

    /** The task of {@code config.task()}, validated by the task registry. */
    public static Task task(RunConfig config) {
        return Tasks.create(Tasks.parse(config.task()));
    }
}
