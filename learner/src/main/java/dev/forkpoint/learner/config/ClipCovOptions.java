package dev.forkpoint.learner.config;

import dev.forkpoint.learner.config.schema.Field;
import dev.forkpoint.learner.config.schema.Section;

/** Clip-Cov (docs/algorithms.md section 8): on exactly when {@code loss = clip_cov}. */
public record ClipCovOptions(double ratio, double lb, double ub) {

    private static final String SOURCE = "Cui et al., The Entropy Mechanism of RL for Reasoning LMs";

    static final Field<ClipCovOptions, Double> RATIO = Field.number("ratio", ClipCovOptions::ratio)
            .defaultValue(2e-4).above(0).max(1).source(SOURCE)
            .help("Share of valid tokens whose gradient is detached, n = max(floor(ratio N), 1), drawn at random "
                    + "among the candidates.");
    static final Field<ClipCovOptions, Double> LB = Field.number("lb", ClipCovOptions::lb)
            .defaultValue(1.0).source(SOURCE)
            .help("Lower covariance bound of a candidate (exclusive).");
    static final Field<ClipCovOptions, Double> UB = Field.number("ub", ClipCovOptions::ub)
            .defaultValue(5.0).source(SOURCE)
            .help("Upper covariance bound of a candidate (exclusive).");

    public static final Section<ClipCovOptions> PART = Section.<ClipCovOptions>bound("clipCov",
                    v -> ObjectiveConfig.CLIP_COV.equals(v.get("loss")), "with loss: clip_cov")
            .fields(RATIO, LB, UB)
            .factory(v -> new ClipCovOptions(v.get(RATIO), v.get(LB), v.get(UB)))
            .rule((o, path, errors) -> {
                if (!(o.lb() < o.ub())) {
                    errors.add(path + ".lb", path + ".lb = " + Field.render(o.lb()) + ", " + path + ".ub = "
                            + Field.render(o.ub()) + ": lb must be below ub (no token could be a candidate)");
                }
            })
            .source(SOURCE)
            .help("Clip-Cov: detaches the gradient of a few random tokens whose advantage-log-prob covariance lies "
                    + "in (lb, ub) (section 8).");
}
