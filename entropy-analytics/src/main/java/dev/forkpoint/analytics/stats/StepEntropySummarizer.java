package dev.forkpoint.analytics.stats;

import dev.forkpoint.analytics.input.SequenceEntropies;
import dev.forkpoint.analytics.input.StepEntropyBatch;
import dev.forkpoint.analytics.input.StepKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns one step batch into its {@link StepEntropyStats} (docs/algorithms.md section 15). Stateless apart from its config;
 * safe to share between threads. Non-finite entropies are counted and excluded from every entropy statistic.
 */
public final class StepEntropySummarizer {
    private final SummaryConfig config;

    public StepEntropySummarizer(SummaryConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    public StepEntropySummarizer() {
        this(SummaryConfig.DEFAULTS);
    }

    public StepEntropyStats summarize(StepEntropyBatch batch) {
        List<SequenceEntropies> seqs = batch.sequences();
        int total = Math.toIntExact(batch.tokenCount());
        double[] h = new double[total];
        int[] ids = new int[total];
        double[] windows = new double[total];
        double[] cov = batch.hasCovariance() ? new double[total] : null;
        int n = 0;
        int nWindows = 0;
        int nCov = 0;
        long nonFinite = 0;
        long covNonFinite = 0;
        double sum = 0;
        EntropyHistogram.Builder histogram = new EntropyHistogram.Builder();
        double[] outcomeSum = new double[2];
        long[] outcomeTokens = new long[2];
        int[] outcomeSeqs = new int[2];
        int positions = PositionBucket.LABELS.size();
        double[] posSum = new double[positions];
        long[] posTokens = new long[positions];
        int[] posSeqs = new int[positions];
        Map<String, PromptGroup> prompts = new LinkedHashMap<>();

        for (SequenceEntropies s : seqs) {
            float[] e = s.entropies();
            int o = s.correct() ? 1 : 0;
            outcomeSeqs[o]++;
            PromptGroup group = prompts.computeIfAbsent(s.promptId(), k -> new PromptGroup());
            group.responses++;
            group.correct += o;
            for (int b = 0; b < positions && e.length > PositionBucket.lowerBound(b); b++) {
                posSeqs[b]++;
            }
            for (int t = 0; t < e.length; t++) {
                if (cov != null) {
                    float c = s.covariance()[t];
                    if (Float.isFinite(c)) {
                        cov[nCov++] = c;
                    } else {
                        covNonFinite++;
                    }
                }
                float v = e[t];
                if (!Float.isFinite(v)) {
                    nonFinite++;
                    continue;
                }
                h[n] = v;
                ids[n] = s.tokenIds()[t];
                n++;
                sum += v;
                histogram.add(v);
                outcomeSum[o] += v;
                outcomeTokens[o]++;
                int p = PositionBucket.of(t);
                posSum[p] += v;
                posTokens[p]++;
                group.sum += v;
                group.tokens++;
            }
            nWindows = WindowEntropy.appendWindows(e, config.windowSize(), windows, nWindows);
        }

        List<GroupMean> byPosition = new ArrayList<>(positions);
        for (int b = 0; b < positions; b++) {
            byPosition.add(GroupMean.of(posSum[b], posTokens[b], posSeqs[b]));
        }
        List<GroupMean> byDifficulty = difficulty(prompts);
        GroupMean correct = GroupMean.of(outcomeSum[1], outcomeTokens[1], outcomeSeqs[1]);
        GroupMean incorrect = GroupMean.of(outcomeSum[0], outcomeTokens[0], outcomeSeqs[0]);
        CovarianceSummary covariance = cov == null ? null : CovarianceSummary.of(cov, nCov, covNonFinite);
        List<SampledSequence> samples = sample(batch);

        if (n == 0) {
            EntropyAggregates empty = new EntropyAggregates(0, nonFinite, seqs.size(), null, null, null,
                    histogram.build(), null, 0, null, config.windowSize(), null, null, correct, incorrect,
                    byDifficulty, byPosition, covariance);
            return new StepEntropyStats(batch.key(), empty, List.of(), samples);
        }

        double mean = sum / n;
        double sq = 0;
        for (int i = 0; i < n; i++) {
            double d = h[i] - mean;
            sq += d * d;
        }
        double std = Math.sqrt(sq / n);

        double[] sorted = Arrays.copyOf(h, n);
        Arrays.sort(sorted);
        EntropyPercentiles pct = EntropyPercentiles.of(sorted, n);
        double threshold = pct.p80();

        List<Double> shares = new ArrayList<>(EntropyLevels.LEVELS.size());
        for (double level : EntropyLevels.LEVELS) {
            shares.add((double) countAbove(sorted, n, level) / n);
        }

        // nWindows == n: one window value per finite token.
        Arrays.sort(windows, 0, nWindows);
        double windowThreshold = Percentile.of(windows, nWindows, 0.8);
        double windowShare = (double) countAbove(windows, nWindows, windowThreshold) / nWindows;

        Map<Integer, long[]> forkingIds = new HashMap<>();
        long forkingCount = 0;
        for (int i = 0; i < n; i++) {
            if (h[i] >= threshold) {
                forkingCount++;
                forkingIds.computeIfAbsent(ids[i], k -> new long[1])[0]++;
            }
        }
        List<TokenCount> top = topTokens(forkingIds, batch);

        EntropyAggregates aggregates = new EntropyAggregates(n, nonFinite, seqs.size(), mean, std, pct,
                histogram.build(), threshold, forkingCount, shares, config.windowSize(), windowThreshold,
                windowShare, correct, incorrect, byDifficulty, byPosition, covariance);
        return new StepEntropyStats(batch.key(), aggregates, top, samples);
    }

    /** Values strictly above {@code level} in an ascending array. */
    private static int countAbove(double[] sorted, int n, double level) {
        int lo = 0;
        int hi = n;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] > level) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return n - lo;
    }

    private static List<GroupMean> difficulty(Map<String, PromptGroup> prompts) {
        int buckets = DifficultyBucket.LABELS.size();
        double[] sum = new double[buckets];
        long[] tokens = new long[buckets];
        int[] members = new int[buckets];
        for (PromptGroup g : prompts.values()) {
            int b = DifficultyBucket.of(g.correct, g.responses);
            sum[b] += g.sum;
            tokens[b] += g.tokens;
            members[b]++;
        }
        List<GroupMean> out = new ArrayList<>(buckets);
        for (int b = 0; b < buckets; b++) {
            out.add(GroupMean.of(sum[b], tokens[b], members[b]));
        }
        return out;
    }

    private List<TokenCount> topTokens(Map<Integer, long[]> byId, StepEntropyBatch batch) {
        if (config.topForkingTokens() == 0) {
            return List.of();
        }
        Map<String, Long> byString = new HashMap<>();
        for (Map.Entry<Integer, long[]> e : byId.entrySet()) {
            String token = batch.tokenString().apply(e.getKey());
            if (token == null) {
                throw new IllegalArgumentException("tokenString(" + e.getKey() + ") returned null");
            }
            byString.merge(token, e.getValue()[0], Long::sum);
        }
        return byString.entrySet().stream()
                .map(e -> new TokenCount(e.getKey(), e.getValue()))
                .sorted(Comparator.comparingLong(TokenCount::count).reversed().thenComparing(TokenCount::token))
                .limit(config.topForkingTokens())
                .toList();
    }

    private List<SampledSequence> sample(StepEntropyBatch batch) {
        StepKey key = batch.key();
        long seed = config.sampleSeed() ^ (key.runId() * 0x9E3779B97F4A7C15L) ^ (key.step() * 0xC2B2AE3D27D4EB4FL)
                ^ key.phase().ordinal();
        // Sample indices first, so token strings are built only for the kept sequences.
        ReservoirSampler<Integer> reservoir = new ReservoirSampler<>(config.sampleSequences(), seed);
        for (int i = 0; i < batch.sequences().size(); i++) {
            reservoir.offer(i);
        }
        List<SampledSequence> out = new ArrayList<>();
        for (int index : reservoir.sample()) {
            SequenceEntropies s = batch.sequences().get(index);
            List<String> tokens = new ArrayList<>(s.length());
            List<Integer> ids = new ArrayList<>(s.length());
            List<Double> entropies = new ArrayList<>(s.length());
            for (int t = 0; t < s.length(); t++) {
                int id = s.tokenIds()[t];
                String token = batch.tokenString().apply(id);
                if (token == null) {
                    throw new IllegalArgumentException("tokenString(" + id + ") returned null");
                }
                tokens.add(token);
                ids.add(id);
                float v = s.entropies()[t];
                entropies.add(Float.isFinite(v) ? (double) v : null);
            }
            out.add(new SampledSequence(index, s.promptId(), s.correct(), tokens, ids, entropies));
        }
        return out;
    }

    private static final class PromptGroup {
        int responses;
        int correct;
        double sum;
        long tokens;
    }
}
