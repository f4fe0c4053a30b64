package dev.forkpoint.learner.config;

/**
 * Forking-token-only updates (algorithms.md section 10, Wang et al., "Beyond the 80/20 rule").
 * Config key {@code forking}.
 *
 * @param rho       {@code forking.rho}: share of valid tokens (highest H) that get gradient,
 *                  {@code k = max(1, ceil(rho N))}; in (0, 1]; default 0.2
 * @param normalize {@code forking.normalize}: {@code selected} (default, the released code: the loss
 *                  denominator counts only the selected tokens) or {@code all} (the paper's formula: all N)
 */
public record ForkingOptions(double rho, String normalize) {

    public static final String SELECTED = "selected";
    public static final String ALL = "all";
    public static final ForkingOptions DEFAULT = new ForkingOptions(0.2, SELECTED);

    public ForkingOptions {
        ConfigChecks.leftOpen("forking.rho", rho, 0, 1);
        if (!SELECTED.equals(normalize) && !ALL.equals(normalize)) {
            throw new IllegalArgumentException("forking.normalize = '" + normalize
                    + "': unknown; supported: selected, all");
        }
    }

    public boolean normalizeBySelected() {
        return SELECTED.equals(normalize);
    }
}
