package dev.forkpoint.learner.run;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * At most {@code maxPoints} records for a curve of many steps, for readers that draw rather than audit (a 2,000-step
 * run in a browser): consecutive steps are split into {@code maxPoints} buckets of equal count (sizes differ by at
 * most one), and each bucket becomes one record carrying its last step, with every numeric field and every numeric
 * entry of {@code metrics} the mean over the bucket's records that have it (null where none has), non-numeric
 * entries and {@code recordedAt} from the bucket's last record. A sparse field such as {@code evalAccuracy} is
 * therefore the mean of the evaluations inside the bucket. Fewer steps than {@code maxPoints} come back unchanged.
 */
public final class StepDownsampling {

    private StepDownsampling() {}

    public static List<StepRecord> downsample(List<StepRecord> steps, int maxPoints) {
        if (maxPoints < 1) {
            throw new IllegalArgumentException("maxPoints = " + maxPoints + ": must be >= 1");
        }
        int n = steps.size();
        if (n <= maxPoints) {
            return steps;
        }
        List<StepRecord> out = new ArrayList<>(maxPoints);
        for (int b = 0; b < maxPoints; b++) {
            int from = (int) ((long) n * b / maxPoints);
            int to = (int) ((long) n * (b + 1) / maxPoints);
            out.add(mean(steps.subList(from, to)));
        }
        return out;
    }

    private static StepRecord mean(List<StepRecord> bucket) {
        StepRecord last = bucket.get(bucket.size() - 1);
        Map<String, Object> metrics = new LinkedHashMap<>();
        Map<String, double[]> sums = new LinkedHashMap<>();
        for (StepRecord r : bucket) {
            if (r.metrics() == null) {
                continue;
            }
            r.metrics().forEach((k, v) -> {
                if (v instanceof Number x) {
                    double[] s = sums.computeIfAbsent(k, key -> new double[2]);
                    s[0] += x.doubleValue();
                    s[1]++;
                    metrics.putIfAbsent(k, null);
                } else if (v != null) {
                    metrics.put(k, v);
                }
            });
        }
        sums.forEach((k, s) -> metrics.put(k, s[0] / s[1]));
        Double tokens = mean(bucket, r -> r.tokensSampled() == null ? null : r.tokensSampled().doubleValue());
        return new StepRecord(last.step(), mean(bucket, StepRecord::reward), mean(bucket, StepRecord::accuracy),
                mean(bucket, StepRecord::entropy), mean(bucket, StepRecord::kl), mean(bucket, StepRecord::clipfrac),
                mean(bucket, StepRecord::tokensPerSecond), tokens == null ? null : Math.round(tokens),
                mean(bucket, StepRecord::evalAccuracy), mean(bucket, StepRecord::rolloutMs),
                mean(bucket, StepRecord::updateMs), last.metrics() == null && metrics.isEmpty() ? null : metrics,
                last.recordedAt());
    }

    private static Double mean(List<StepRecord> bucket, java.util.function.Function<StepRecord, Double> field) {
        double sum = 0;
        int count = 0;
        for (StepRecord r : bucket) {
            Double v = field.apply(r);
            if (v != null && !v.isNaN()) {
                sum += v;
                count++;
            }
        }
        return count == 0 ? null : sum / count;
    }
}
