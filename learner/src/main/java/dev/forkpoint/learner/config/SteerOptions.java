package dev.forkpoint.learner.config;

import dev.forkpoint.learner.config.schema.Field;
import dev.forkpoint.learner.config.schema.Section;

/** STEER entropy-change reweighting (docs/algorithms.md section 11). */
public record SteerOptions(boolean linear, double wMin, double wMax) {

    private static final String SOURCE = "STEER";

    static final Field<SteerOptions, Boolean> LINEAR = Field.bool("linear", SteerOptions::linear)
            .defaultValue(true).source(SOURCE)
            .help("true: linear schedule between wMax (smallest |Omega|) and wMin (largest); false: exponential "
                    + "exp(-kappa |Omega|) clamped to [wMin, 1].");
    static final Field<SteerOptions, Double> W_MIN = Field.number("wMin", SteerOptions::wMin)
            .defaultValue(0.8).above(0).source(SOURCE)
            .help("Smallest token weight.");
    static final Field<SteerOptions, Double> W_MAX = Field.number("wMax", SteerOptions::wMax)
            .derivedDefault(v -> Boolean.TRUE.equals(v.get(LINEAR)) ? 1.2 : 1.0, "1.2 (linear), 1.0 (exponential)")
            .source(SOURCE)
            .help("Largest token weight; the exponential schedule never exceeds 1, so there it must be 1.");

    public static final Section<SteerOptions> PART = Section.<SteerOptions>optional("steer")
            .fields(LINEAR, W_MIN, W_MAX)
            .factory(v -> new SteerOptions(v.get(LINEAR), v.get(W_MIN), v.get(W_MAX)))
            .rule((o, path, errors) -> {
                if (o.wMin() > o.wMax()) {
                    errors.add(path + ".wMin", path + ".wMin = " + Field.render(o.wMin()) + " > " + path + ".wMax = "
                            + Field.render(o.wMax()) + ": wMin must not exceed wMax");
                } else if (!o.linear() && o.wMax() != 1.0) {
                    errors.add(path + ".wMax", path + ".wMax = " + Field.render(o.wMax())
                            + ": the exponential schedule (linear: false) clamps to [wMin, 1]; wMax must be 1");
                }
            })
            .source(SOURCE)
            .help("STEER: reweights each token's loss by its estimated effect on the entropy (section 11).");
}
