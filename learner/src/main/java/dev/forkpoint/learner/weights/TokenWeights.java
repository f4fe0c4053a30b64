package dev.forkpoint.learner.weights;

import dev.forkpoint.learner.NamedRegistry;
import dev.forkpoint.learner.config.ObjectiveConfig;
import java.util.function.Function;

/**
 * The token weights by their config section name, in the order of docs/algorithms.md section 14 (registration
 * order). Each factory returns null when its section is off.
 */
public final class TokenWeights {

    public static final NamedRegistry<Function<ObjectiveConfig, TokenWeight>> REGISTRY =
            new NamedRegistry<Function<ObjectiveConfig, TokenWeight>>("token weight")
                    .register("clipCov", c -> c.clipCov() == null ? null
                            : new ClipCovDetach(c.clipCov().ratio(), c.clipCov().lb(), c.clipCov().ub()))
                    .register("forking", c -> c.forking() == null ? null
                            : new ForkingTokenMask(c.forking().rho(), c.forking().normalizeBySelected()))
                    .register("steer", c -> c.steer() == null ? null
                            : new SteerReweighting(c.steer().linear(), c.steer().wMin(), c.steer().wMax()));

    private TokenWeights() {
    }
}
