package dev.forkpoint.analytics.law;

/**
 * The fitted entropy-performance law {@code R = -a exp(H) + b} (Cui et al., docs/algorithms.md section 15).
 *
 * @param a             fitted a (positive when performance rises as entropy falls)
 * @param b             fitted b
 * @param ceiling       predicted performance at H = 0: {@code b - a}
 * @param rmseFit       root-mean-square error on the fit points
 * @param rmseHeldOut   root-mean-square error of the prediction on the later points; {@code null} when none
 * @param fitPoints     n: points used for the fit (the first n by step)
 * @param heldOutPoints later points used only for {@code rmseHeldOut}
 * @param firstStep     step of the first fit point
 * @param lastFitStep   step of the last fit point
 * @param lastStep      step of the last point overall
 */
public record EntropyLawFit(double a, double b, double ceiling, double rmseFit, Double rmseHeldOut, int fitPoints,
                            int heldOutPoints, long firstStep, long lastFitStep, long lastStep) {

    /** The law's prediction at entropy {@code h}. */
    public double predict(double h) {
        return -a * Math.exp(h) + b;
    }
}
