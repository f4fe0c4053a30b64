package dev.forkpoint.learner.config;

import dev.forkpoint.learner.config.schema.Field;
import dev.forkpoint.learner.config.schema.Section;
import dev.forkpoint.learner.kl.KlEstimators;
import java.util.List;

/** KL to a frozen reference policy as an extra loss term (docs/algorithms.md section 12). */
public record KlPenaltyOptions(String kind, double coef) {

    static final Field<KlPenaltyOptions, String> KIND = Field.choice("kind", KlPenaltyOptions::kind,
                    List.copyOf(KlEstimators.REGISTRY.names()))
            .defaultValue("k3").source("Schulman's KL estimators; k3 is verl's low_var_kl")
            .help("Estimator of KL(pi || pi_ref) per token: k1 = lp - ref, k2 = (ref - lp)^2 / 2, "
                    + "k3 = exp(ref - lp) - (ref - lp) - 1 clamped to [-10, 10].");
    static final Field<KlPenaltyOptions, Double> COEF = Field.number("coef", KlPenaltyOptions::coef)
            .defaultValue(0.001).min(0).source("verl's GRPO recipe")
            .help("Coefficient of the aggregated KL term.");

    public static final Section<KlPenaltyOptions> PART = Section.<KlPenaltyOptions>optional("kl")
            .fields(KIND, COEF)
            .factory(v -> new KlPenaltyOptions(v.get(KIND), v.get(COEF)))
            .help("KL to a frozen copy of the starting policy, added to the loss and aggregated like it "
                    + "(section 12). Needs a reference policy in memory.");
}
