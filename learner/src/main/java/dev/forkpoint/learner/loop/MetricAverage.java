package dev.forkpoint.learner.loop;

import java.util.LinkedHashMap;
import java.util.Map;

/** Averages named metrics over the mini-batches that reported them (verl averages over micro-batches too). */
final class MetricAverage {

    private final Map<String, double[]> sums = new LinkedHashMap<>();

    void add(Map<String, Double> metrics) {
        metrics.forEach(this::add);
    }

    void add(String name, double value) {
        double[] s = sums.computeIfAbsent(name, k -> new double[2]);
        s[0] += value;
        s[1]++;
    }

    Map<String, Double> means() {
        Map<String, Double> out = new LinkedHashMap<>();
        sums.forEach((k, s) -> out.put(k, s[0] / s[1]));
        return out;
    }
}
