package dev.forkpoint.learner.config;

import dev.forkpoint.learner.config.schema.Field;
import dev.forkpoint.learner.config.schema.Section;

/**
 * HAPO (docs/algorithms.md sections 3-6): normalised entropy h_hat, asymmetric adaptive clipping, differential
 * advantage redistribution, and the sampler's adaptive temperature. A value whose switch is off is null.
 */
public record HapoOptions(double pivot, boolean adaptiveClip, Double clipAlpha, boolean adaptiveAdvantage,
                          Double advBeta, boolean adaptiveTemperature, Double temperatureTau) {

    private static final String SOURCE = "HAPO";

    static final Field<HapoOptions, Double> PIVOT = Field.number("pivot", HapoOptions::pivot)
            .defaultValue(0.8).between(0, 1).source(SOURCE)
            .help("Pivot quantile q of ln H for h_hat (section 3): about 1 - q of the tokens get h_hat > 0.");
    static final Field<HapoOptions, Boolean> ADAPTIVE_CLIP = Field.bool("adaptiveClip", HapoOptions::adaptiveClip)
            .defaultValue(true).source(SOURCE)
            .help("Per-token clip ranges from h_hat (section 5): high-entropy tokens get a wider upper range, "
                    + "low-entropy ones a wider lower range.");
    static final Field<HapoOptions, Double> CLIP_ALPHA = Field.number("clipAlpha", HapoOptions::clipAlpha)
            .defaultValue(1.0).min(0).source(SOURCE)
            .appliesWhen(v -> Boolean.TRUE.equals(v.get(ADAPTIVE_CLIP)), "with adaptiveClip: true")
            .help("alpha of section 5: eps widens by the factor (1 + alpha |h_hat|).");
    static final Field<HapoOptions, Boolean> ADAPTIVE_ADVANTAGE = Field.bool("adaptiveAdvantage",
                    HapoOptions::adaptiveAdvantage)
            .defaultValue(true).source(SOURCE)
            .help("Differential advantage redistribution (section 6): A (1 + beta h_hat) inside or outside the "
                    + "ratio's neutral zone, by the sign of h_hat.");
    static final Field<HapoOptions, Double> ADV_BETA = Field.number("advBeta", HapoOptions::advBeta)
            .defaultValue(1.0).min(0).source(SOURCE)
            .appliesWhen(v -> Boolean.TRUE.equals(v.get(ADAPTIVE_ADVANTAGE)), "with adaptiveAdvantage: true")
            .help("beta of section 6: A_ent = A (1 + beta h_hat).");
    static final Field<HapoOptions, Boolean> ADAPTIVE_TEMPERATURE = Field.bool("adaptiveTemperature",
                    HapoOptions::adaptiveTemperature)
            .defaultValue(true).source(SOURCE)
            .help("The sampler scales the temperature per token, T = T_base (1 + tau h_hat), with the statistics of "
                    + "the previous step's rollout entropies (section 4). Read by the rollout, not by the loss.");
    static final Field<HapoOptions, Double> TEMPERATURE_TAU = Field.number("temperatureTau",
                    HapoOptions::temperatureTau)
            .defaultValue(0.05).min(0).below(1).source(SOURCE)
            .appliesWhen(v -> Boolean.TRUE.equals(v.get(ADAPTIVE_TEMPERATURE)), "with adaptiveTemperature: true")
            .help("tau of section 4; below 1 so that the temperature stays positive.");

    public static final Section<HapoOptions> PART = Section.<HapoOptions>optional("hapo")
            .fields(PIVOT, ADAPTIVE_CLIP, CLIP_ALPHA, ADAPTIVE_ADVANTAGE, ADV_BETA, ADAPTIVE_TEMPERATURE,
                    TEMPERATURE_TAU)
            .factory(v -> new HapoOptions(v.get(PIVOT), v.get(ADAPTIVE_CLIP), v.get(CLIP_ALPHA),
                    v.get(ADAPTIVE_ADVANTAGE), v.get(ADV_BETA), v.get(ADAPTIVE_TEMPERATURE), v.get(TEMPERATURE_TAU)))
            .source(SOURCE)
            .help("HAPO's entropy-aware pieces: normalised entropy h_hat, adaptive clipping, advantage "
                    + "redistribution and adaptive sampling temperature (sections 3-6).");
}
