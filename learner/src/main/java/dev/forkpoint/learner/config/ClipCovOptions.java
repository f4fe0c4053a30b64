package dev.forkpoint.learner.config;

/**
 * Clip-Cov (algorithms.md section 8, Cui et al.). Config key {@code clip_cov}; present exactly when
 * {@code loss = clip_cov}.
 *
 * @param ratio {@code clip_cov.ratio}: share of valid tokens whose gradient is detached,
 *              {@code n = max(floor(ratio N), 1)}; default 2e-4
 * @param lb    {@code clip_cov.lb}: lower covariance bound of a candidate (exclusive); default 1
 * @param ub    {@code clip_cov.ub}: upper covariance bound of a candidate (exclusive); default 5
 */
public record ClipCovOptions(double ratio, double lb, double ub) {

    public static final ClipCovOptions DEFAULT = new ClipCovOptions(2e-4, 1.0, 5.0);

    public ClipCovOptions {
        ConfigChecks.leftOpen("clip_cov.ratio", ratio, 0, 1);
        ConfigChecks.finite("clip_cov.lb", lb);
        ConfigChecks.finite("clip_cov.ub", ub);
        if (!(lb < ub)) {
            throw new IllegalArgumentException("clip_cov.lb = " + lb + ", clip_cov.ub = " + ub
                    + ": lb must be below ub (no token could be a candidate)");
        }
    }
}
