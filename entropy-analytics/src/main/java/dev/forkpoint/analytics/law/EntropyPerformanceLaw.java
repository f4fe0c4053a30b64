package dev.forkpoint.analytics.law;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Fits {@code R = -a exp(H) + b} by ordinary least squares of R on {@code x = exp(H)} (a straight line
 * {@code R = b + slope x} with {@code a = -slope}) over the first n points by step, and reports how well it
 * predicts the later points (Cui et al. fit ~36 steps and predict the rest within ~1% RMSE; docs/algorithms.md section 15).
 */
public final class EntropyPerformanceLaw {
    private EntropyPerformanceLaw() {
    }

    /**
     * @param points evaluated steps, any order; steps must be distinct
     * @param n      how many of the earliest points to fit on; all points when {@code n >= points.size()}
     */
    public static EntropyLawFit fit(List<LawPoint> points, int n) {
        if (n < 2) {
            throw new IllegalArgumentException("n = " + n + ": the law has two parameters, fit on at least 2 points");
        }
        List<LawPoint> sorted = new ArrayList<>(points);
        sorted.sort(Comparator.comparingLong(LawPoint::step));
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).step() == sorted.get(i - 1).step()) {
                throw new IllegalArgumentException("points: step " + sorted.get(i).step() + " appears twice");
            }
        }
        if (sorted.size() < 2) {
            throw new IllegalArgumentException("points.size() = " + sorted.size()
                    + ": the law has two parameters, need at least 2 evaluated steps");
        }
        int m = Math.min(n, sorted.size());
        List<LawPoint> fit = sorted.subList(0, m);
        List<LawPoint> later = sorted.subList(m, sorted.size());

        double meanX = 0;
        double meanY = 0;
        for (LawPoint p : fit) {
            meanX += Math.exp(p.entropy());
            meanY += p.performance();
        }
        meanX /= m;
        meanY /= m;
        double sxx = 0;
        double sxy = 0;
        for (LawPoint p : fit) {
            double dx = Math.exp(p.entropy()) - meanX;
            sxx += dx * dx;
            sxy += dx * (p.performance() - meanY);
        }
        // Relative test: exp(H) identical up to rounding means H carries no information to fit a slope on.
        if (sxx <= 1e-24 * m * meanX * meanX) {
            throw new IllegalArgumentException("entropy is constant (H = " + fit.get(0).entropy() + ") on the first "
                    + m + " points: the slope a is undefined");
        }
        double slope = sxy / sxx;
        double a = -slope;
        double b = meanY - slope * meanX;
        EntropyLawFit partial = new EntropyLawFit(a, b, b - a, 0, null, m, later.size(),
                fit.get(0).step(), fit.get(m - 1).step(), sorted.get(sorted.size() - 1).step());
        double rmseFit = rmse(partial, fit);
        Double rmseLater = later.isEmpty() ? null : rmse(partial, later);
        return new EntropyLawFit(a, b, b - a, rmseFit, rmseLater, m, later.size(), partial.firstStep(),
                partial.lastFitStep(), partial.lastStep());
    }

    private static double rmse(EntropyLawFit law, List<LawPoint> points) {
        double s = 0;
        for (LawPoint p : points) {
            double d = law.predict(p.entropy()) - p.performance();
            s += d * d;
        }
        return Math.sqrt(s / points.size());
    }
}
