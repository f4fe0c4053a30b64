package dev.forkpoint.learner.loss;

import dev.forkpoint.learner.NamedRegistry;
import dev.forkpoint.learner.config.ObjectiveConfig;
import java.util.function.Function;

/** The token losses by their config name ({@code loss}), each built from the objective config. */
public final class TokenLosses {

    public static final NamedRegistry<Function<ObjectiveConfig, TokenLoss>> REGISTRY =
            new NamedRegistry<Function<ObjectiveConfig, TokenLoss>>("loss")
                    .register(ObjectiveConfig.PPO, c -> new PpoClipLoss(c.clipC()))
                    .register(ObjectiveConfig.CLIP_COV, c -> new ClipCovLoss())
                    .register(ObjectiveConfig.KL_COV, c -> new KlCovLoss(c.klCov().ratio(), c.klCov().beta()));

    private TokenLosses() {
    }
}
