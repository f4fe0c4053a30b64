package dev.forkpoint.learner.advantage;

import dev.forkpoint.learner.NamedRegistry;

/** The advantage estimators by their config name ({@code advantage}). */
public final class AdvantageEstimators {

    public static final NamedRegistry<AdvantageEstimator> REGISTRY = new NamedRegistry<AdvantageEstimator>("advantage")
            .register("grpo", new GroupRelativeAdvantage())
            .register("tlga", new TokenLevelGroupAverage());

    private AdvantageEstimators() {
    }
}
