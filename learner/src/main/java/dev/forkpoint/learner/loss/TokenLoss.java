package dev.forkpoint.learner.loss;

/** A per-token policy loss (docs/algorithms.md sections 7-9), registered by its {@code loss} config name. */
public interface TokenLoss {

    TokenLossOutput compute(TokenLossInput in);
}
