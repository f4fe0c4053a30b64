package dev.forkpoint.learner.config;

import dev.forkpoint.learner.config.schema.Field;
import dev.forkpoint.learner.config.schema.Section;

/** How training rollouts are sampled (docs/algorithms.md section 4). */
public record SamplingSpec(double temperature, boolean adaptiveTemperature, double tau, double topP,
                           int maxNewTokens) {

    static final Field<SamplingSpec, Double> TEMPERATURE = Field.number("temperature", SamplingSpec::temperature)
            .defaultValue(1.0).above(0).max(10).help("Base temperature T_base of training rollouts.");
    static final Field<SamplingSpec, Boolean> ADAPTIVE_TEMPERATURE = Field.bool("adaptiveTemperature",
                    SamplingSpec::adaptiveTemperature)
            .defaultValue(false).source("HAPO")
            .help("HAPO adaptive temperature T = T_base (1 + tau h_hat) for any objective (the HAPO preset turns it "
                    + "on through objective.hapo.adaptiveTemperature).");
    static final Field<SamplingSpec, Double> TAU = Field.number("tau", SamplingSpec::tau)
            .defaultValue(0.05).min(0).below(1).source("HAPO")
            .help("Strength tau of the adaptive temperature when sampling.adaptiveTemperature is on; below 1 so that "
                    + "the temperature stays positive.");
    static final Field<SamplingSpec, Double> TOP_P = Field.number("topP", SamplingSpec::topP)
            .defaultValue(1.0).above(0).max(1).help("Nucleus sampling mass; 1 disables it.");
    static final Field<SamplingSpec, Integer> MAX_NEW_TOKENS = Field.integer("maxNewTokens", SamplingSpec::maxNewTokens)
            .defaultValue(48).between(1, 32767).help("Longest response in tokens; below model.contextLength.");

    public static final Section<SamplingSpec> SCHEMA = Section.<SamplingSpec>always("sampling")
            .fields(TEMPERATURE, ADAPTIVE_TEMPERATURE, TAU, TOP_P, MAX_NEW_TOKENS)
            .factory(v -> new SamplingSpec(v.get(TEMPERATURE), v.get(ADAPTIVE_TEMPERATURE), v.get(TAU), v.get(TOP_P),
                    v.get(MAX_NEW_TOKENS)))
            .help("How training rollouts are sampled (evaluation is greedy).");
}
