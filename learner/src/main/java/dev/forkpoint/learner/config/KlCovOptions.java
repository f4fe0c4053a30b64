package dev.forkpoint.learner.config;

import dev.forkpoint.learner.config.schema.Field;
import dev.forkpoint.learner.config.schema.Section;

/** KL-Cov (docs/algorithms.md section 9): on exactly when {@code loss = kl_cov}. */
public record KlCovOptions(double ratio, double beta) {

    private static final String SOURCE = "Cui et al., The Entropy Mechanism of RL for Reasoning LMs";

    static final Field<KlCovOptions, Double> RATIO = Field.number("ratio", KlCovOptions::ratio)
            .defaultValue(2e-3).above(0).max(1).source(SOURCE + " (7B setting; 2e-4 for 32B)")
            .help("Share of valid tokens, top by covariance, that get the |lp - olp| penalty: "
                    + "k = max(1, floor(ratio N)).");
    static final Field<KlCovOptions, Double> BETA = Field.number("beta", KlCovOptions::beta)
            .defaultValue(1.0).min(0).source(SOURCE)
            .help("Coefficient of |lp - olp| on the selected tokens.");

    public static final Section<KlCovOptions> PART = Section.<KlCovOptions>bound("klCov",
                    v -> ObjectiveConfig.KL_COV.equals(v.get("loss")), "with loss: kl_cov")
            .fields(RATIO, BETA)
            .factory(v -> new KlCovOptions(v.get(RATIO), v.get(BETA)))
            .source(SOURCE)
            .help("KL-Cov: the unclipped ratio loss plus a |lp - olp| penalty on the tokens of highest covariance "
                    + "(section 9).");
}
