package dev.forkpoint.learner.config;

/**
 * HAPO (algorithms.md sections 3-6): normalised entropy h_hat, asymmetric adaptive clipping, differential
 * advantage redistribution, and the sampler's adaptive temperature. Config key {@code hapo}.
 *
 * @param pivot               {@code hapo.pivot}: pivot quantile q of ln H for h_hat (section 3); default 0.8
 * @param adaptiveClip        {@code hapo.adaptive_clip}: per-token clip ranges from h_hat (section 5); default true
 * @param clipAlpha           {@code hapo.clip_alpha}: alpha of section 5, how far eps widens at |h_hat| = 1; default 1
 * @param adaptiveAdvantage   {@code hapo.adaptive_advantage}: differential advantage redistribution (section 6);
 *                            default true
 * @param advBeta             {@code hapo.adv_beta}: beta of section 6, {@code A_ent = A (1 + beta h_hat)}; default 1
 * @param adaptiveTemperature {@code hapo.adaptive_temperature}: the sampler scales T per token (section 4; read
 *                            by the rollout side, not by the loss); default true
 * @param temperatureTau      {@code hapo.temperature_tau}: tau of section 4, {@code T = T_base (1 + tau h_hat)};
 *                            default 0.05
 */
public record HapoOptions(double pivot, boolean adaptiveClip, double clipAlpha, boolean adaptiveAdvantage,
                          double advBeta, boolean adaptiveTemperature, double temperatureTau) {

    public static final HapoOptions DEFAULT = new HapoOptions(0.8, true, 1.0, true, 1.0, true, 0.05);

    public HapoOptions {
        ConfigChecks.closed("hapo.pivot", pivot, 0, 1);
        ConfigChecks.atLeast("hapo.clip_alpha", clipAlpha, 0);
        ConfigChecks.atLeast("hapo.adv_beta", advBeta, 0);
        // T = T_base (1 + tau h_hat) with h_hat in [-1, 1] must stay positive.
        if (!(temperatureTau >= 0 && temperatureTau < 1)) {
            throw new IllegalArgumentException("hapo.temperature_tau = " + temperatureTau + ": must be in [0, 1)");
        }
    }
}
