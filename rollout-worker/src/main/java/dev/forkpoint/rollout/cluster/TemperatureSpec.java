package dev.forkpoint.rollout.cluster;

import dev.forkpoint.rollout.entropy.NormalizedEntropy;
import dev.forkpoint.rollout.sampler.AdaptiveTemperature;
import dev.forkpoint.rollout.sampler.FixedTemperature;
import dev.forkpoint.rollout.sampler.TemperatureRule;
import java.io.Serializable;

/**
 * A {@link TemperatureRule} as data, so that a worker applies the trainer's rule of this step exactly: a fixed
 * temperature, or HAPO's adaptive one with the statistics fitted on the previous step's rollouts.
 *
 * @param adaptive      false: {@code tBase} everywhere
 * @param stats         the adaptive rule's fitted statistics; null before its first fit
 */
public record TemperatureSpec(boolean adaptive, double tBase, double tau, double pivotQuantile,
                              NormalizedEntropy stats) implements Serializable {

    public static TemperatureSpec of(TemperatureRule rule) {
        if (rule instanceof FixedTemperature f) {
            return new TemperatureSpec(false, f.temperature(), 0, 0, null);
        }
        if (rule instanceof AdaptiveTemperature a) {
            return new TemperatureSpec(true, a.tBase(), a.tau(), a.pivotQuantile(), a.stats());
        }
        throw new IllegalArgumentException("rollout.backend = cluster: the temperature rule "
                + rule.getClass().getSimpleName() + " cannot be sent to a worker (fixed and adaptive ones can)");
    }

    public TemperatureRule rule() {
        if (!adaptive) {
            return new FixedTemperature(tBase);
        }
        AdaptiveTemperature a = new AdaptiveTemperature(tBase, tau, pivotQuantile);
        a.restore(stats);
        return a;
    }
}
