package dev.forkpoint.learner.loss;

/**
 * Clip-Cov's token loss (docs/algorithms.md section 8, Cui et al. {@code compute_policy_loss_clip_cov}): the PPO
 * clipped surrogate {@code max(L1, L2)} without dual clip. The gradient detaching of covariance outliers is
 * the token weight {@link dev.forkpoint.learner.weights.ClipCovDetach}, applied after the loss (section 14).
 */
public final class ClipCovLoss implements TokenLoss {

    @Override
    public TokenLossOutput compute(TokenLossInput in) {
        PpoClipLoss.Surrogate s = PpoClipLoss.Surrogate.of(in);
        return new TokenLossOutput(s.l1().maximum(s.l2()), s.clipped(), new boolean[s.clipped().length], null);
    }
}
