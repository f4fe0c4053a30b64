package dev.forkpoint.learner.config;

/**
 * STEER entropy-change reweighting (algorithms.md section 11). Config key {@code steer}.
 *
 * @param linear {@code steer.linear}: true = linear schedule (default), false = exponential
 * @param wMin   {@code steer.wmin}: smallest token weight; default 0.8 (both schedules)
 * @param wMax   {@code steer.wmax}: largest token weight; default 1.2 (linear), fixed at 1.0 (exponential,
 *               whose weights {@code exp(-kappa M)} never exceed 1)
 */
public record SteerOptions(boolean linear, double wMin, double wMax) {

    public static final SteerOptions LINEAR_DEFAULT = new SteerOptions(true, 0.8, 1.2);
    public static final SteerOptions EXPONENTIAL_DEFAULT = new SteerOptions(false, 0.8, 1.0);

    public SteerOptions {
        ConfigChecks.greaterThan("steer.wmin", wMin, 0);
        ConfigChecks.finite("steer.wmax", wMax);
        if (wMin > wMax) {
            throw new IllegalArgumentException("steer.wmin = " + wMin + " > steer.wmax = " + wMax
                    + ": wmin must not exceed wmax");
        }
        if (!linear && wMax != 1.0) {
            throw new IllegalArgumentException("steer.wmax = " + wMax
                    + ": the exponential schedule (steer.linear = false) clamps to [wmin, 1]; wmax must be 1");
        }
    }

    public static SteerOptions defaults(boolean linear) {
        return linear ? LINEAR_DEFAULT : EXPONENTIAL_DEFAULT;
    }
}
