package dev.forkpoint.learner.config;

/**
 * KL-Cov (algorithms.md section 9, Cui et al.). Config key {@code kl_cov}; present exactly when
 * {@code loss = kl_cov}.
 *
 * @param ratio {@code kl_cov.ratio}: share of valid tokens (top by covariance) that get the KL penalty,
 *              {@code k = max(1, floor(ratio N))}; default 2e-3 (the paper's 7B setting; 2e-4 for 32B)
 * @param beta  {@code kl_cov.beta}: coefficient of {@code |lp - olp|} on the selected tokens; default 1
 */
public record KlCovOptions(double ratio, double beta) {

    public static final KlCovOptions DEFAULT = new KlCovOptions(2e-3, 1.0);

    public KlCovOptions {
        ConfigChecks.leftOpen("kl_cov.ratio", ratio, 0, 1);
        ConfigChecks.atLeast("kl_cov.beta", beta, 0);
    }
}
