package dev.forkpoint.learner.config;

/**
 * KL to a frozen reference policy as an extra loss term (algorithms.md section 12). Config key {@code kl}.
 *
 * @param kind {@code kl.kind}: estimator {@code k1}, {@code k2} or {@code k3} (default, verl's
 *             {@code low_var_kl})
 * @param coef {@code kl.coef}: coefficient of the aggregated KL term; default 0.001 (verl's GRPO recipe)
 */
public record KlPenaltyOptions(String kind, double coef) {

    public static final KlPenaltyOptions DEFAULT = new KlPenaltyOptions("k3", 0.001);

    public KlPenaltyOptions {
        dev.forkpoint.learner.kl.KlEstimators.REGISTRY.get(kind);
        ConfigChecks.atLeast("kl.coef", coef, 0);
    }
}
