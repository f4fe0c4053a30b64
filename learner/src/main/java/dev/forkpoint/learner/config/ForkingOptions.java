package dev.forkpoint.learner.config;

import dev.forkpoint.learner.config.schema.Field;
import dev.forkpoint.learner.config.schema.Section;
import java.util.List;

/** Forking-token-only updates (docs/algorithms.md section 10). */
public record ForkingOptions(double rho, String normalize) {

    public static final String SELECTED = "selected";
    public static final String ALL = "all";
    private static final String SOURCE = "Wang et al., Beyond the 80/20 Rule";

    static final Field<ForkingOptions, Double> RHO = Field.number("rho", ForkingOptions::rho)
            .defaultValue(0.2).above(0).max(1).source(SOURCE)
            .help("Share of valid tokens, highest entropy H first, that get gradient: k = max(1, ceil(rho N)).");
    static final Field<ForkingOptions, String> NORMALIZE = Field.choice("normalize", ForkingOptions::normalize,
                    List.of(SELECTED, ALL))
            .defaultValue(SELECTED).source(SOURCE)
            .help("Loss denominator: 'selected' counts only the selected tokens (the released code), 'all' counts "
                    + "all N (the paper's formula).");

    public static final Section<ForkingOptions> PART = Section.<ForkingOptions>optional("forking")
            .fields(RHO, NORMALIZE)
            .factory(v -> new ForkingOptions(v.get(RHO), v.get(NORMALIZE)))
            .source(SOURCE)
            .help("Forking-token-only updates: only the top rho share of tokens by entropy get gradient "
                    + "(section 10).");

    public boolean normalizeBySelected() {
        return SELECTED.equals(normalize);
    }
}
