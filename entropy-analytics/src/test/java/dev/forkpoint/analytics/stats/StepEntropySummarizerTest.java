package dev.forkpoint.analytics.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkpoint.analytics.input.Phase;
import dev.forkpoint.analytics.input.SequenceEntropies;
import dev.forkpoint.analytics.input.StepEntropyBatch;
import dev.forkpoint.analytics.input.StepKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * Every statistic on a batch small enough to compute by hand (the arithmetic is in the comments). All inputs are
 * dyadic fractions, exact in float, so sums and means are exact.
 */
class StepEntropySummarizerTest {
    private static final double EPS = 1e-12;
    private static final StepKey KEY = new StepKey(7, 3, Phase.ROLLOUT);
    /** ids map to "t<id>", except 5, which decodes to the same string as 3 (merged in the counts). */
    private static final IntFunction<String> VOCAB = id -> id == 5 ? "t3" : "t" + id;

    // A (prompt p1, correct):   H = 0, 0.5, 2, 1        ids 1 2 3 4   cov 1 2 3 4
    // B (prompt p1, incorrect): H = 3, 0.25             ids 5 3       cov 5 NaN
    // C (prompt p2, incorrect): H = 1.5, 0.75, 0.0625, 4  ids 6 7 8 3  cov -1 -2 10 0
    private static StepEntropyBatch handBatch() {
        return new StepEntropyBatch(KEY, List.of(
                new SequenceEntropies(new float[] {0f, 0.5f, 2f, 1f}, new int[] {1, 2, 3, 4}, true, "p1",
                        new float[] {1, 2, 3, 4}),
                new SequenceEntropies(new float[] {3f, 0.25f}, new int[] {5, 3}, false, "p1",
                        new float[] {5, Float.NaN}),
                new SequenceEntropies(new float[] {1.5f, 0.75f, 0.0625f, 4f}, new int[] {6, 7, 8, 3}, false, "p2",
                        new float[] {-1, -2, 10, 0})), VOCAB);
    }

    private static EntropyAggregates summarize(StepEntropyBatch batch, int window) {
        return new StepEntropySummarizer(new SummaryConfig(window, 10, 8, 1L)).summarize(batch).aggregates();
    }

    @Test
    void countsMeanAndPopulationStd() {
        EntropyAggregates a = summarize(handBatch(), 2);
        assertEquals(10, a.tokenCount());
        assertEquals(0, a.nonFiniteCount());
        assertEquals(3, a.sequenceCount());
        // sum = 13.0625, mean = 1.30625
        assertEquals(1.30625, a.mean(), EPS);
        // sum of squares 33.12890625 -> E[x^2] = 3.312890625, minus mean^2 1.7062890625 = 1.6066015625
        assertEquals(Math.sqrt(1.6066015625), a.std(), EPS);
    }

    @Test
    void percentilesAndForkingThreshold() {
        EntropyAggregates a = summarize(handBatch(), 2);
        // sorted: 0, 0.0625, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4 ; h = 9 q
        EntropyPercentiles p = a.percentiles();
        assertEquals(0.05625, p.p10(), EPS); // h 0.9: 0 + 0.9 * 0.0625
        assertEquals(0.875, p.p50(), EPS); // h 4.5: 0.75 + 0.5 * 0.25
        assertEquals(2.2, p.p80(), EPS); // h 7.2: 2 + 0.2 * 1
        assertEquals(3.1, p.p90(), EPS); // h 8.1
        assertEquals(3.55, p.p95(), EPS); // h 8.55
        assertEquals(3.91, p.p99(), EPS); // h 8.91
        assertEquals(p.p80(), a.forkingThreshold(), 0.0);
        assertEquals(2, a.forkingTokenCount()); // 3 and 4 are >= 2.2
    }

    @Test
    void sharesAboveFixedLevelsAreStrict() {
        EntropyAggregates a = summarize(handBatch(), 2);
        // > 0.1: all but 0 and 0.0625 -> 8; > 0.5: 0.5 itself excluded -> 6; > 1: 4; > 2: 2 itself excluded -> 2
        assertEquals(List.of(0.8, 0.6, 0.4, 0.2), a.shareAboveLevels());
    }

    @Test
    void histogramOverFixedBins() {
        EntropyHistogram h = summarize(handBatch(), 2).histogram();
        long[] expected = new long[EntropyHistogram.BIN_COUNT];
        expected[11] = 1; // 0.0625
        expected[13] = 1; // 0.25 in [0.178, 0.316)
        expected[14] = 1; // 0.5
        expected[15] = 1; // 0.75
        expected[16] = 2; // 1, 1.5
        expected[17] = 2; // 2, 3 in [1.778, 3.162)
        expected[18] = 1; // 4
        assertEquals(1, h.underflow()); // the 0
        assertEquals(0, h.overflow());
        assertEquals(Arrays.stream(expected).boxed().toList(), h.counts());
    }

    @Test
    void windowEntropyShareWithWindowTwo() {
        EntropyAggregates a = summarize(handBatch(), 2);
        // trailing means: A 0, 0.25, 1.25, 1.5 ; B 3, 1.625 ; C 1.5, 1.125, 0.40625, 2.03125
        // sorted: 0, .25, .40625, 1.125, 1.25, 1.5, 1.5, 1.625, 2.03125, 3 ; p80 h=7.2: 1.625 + 0.2*0.40625
        assertEquals(2, a.windowSize());
        assertEquals(1.70625, a.windowThreshold(), EPS);
        assertEquals(0.2, a.windowShare(), EPS); // 2.03125 and 3
    }

    @Test
    void correctVersusIncorrect() {
        EntropyAggregates a = summarize(handBatch(), 2);
        assertEquals(new GroupMean(0.875, 4, 1), a.correct()); // 3.5 / 4
        assertEquals(new GroupMean(1.59375, 6, 2), a.incorrect()); // (3.25 + 6.3125) / 6
    }

    @Test
    void byDifficultyUsesPerPromptPassRate() {
        List<GroupMean> d = summarize(handBatch(), 2).byDifficulty();
        // p1: 1 of 2 correct -> (0.25,0.5]; p2: 0 of 1 -> 0
        assertEquals(new GroupMean(1.578125, 4, 1), d.get(0)); // 6.3125 / 4
        assertEquals(new GroupMean(1.125, 6, 1), d.get(2)); // (3.5 + 3.25) / 6
        for (int b : new int[] {1, 3, 4, 5}) {
            assertEquals(new GroupMean(null, 0, 0), d.get(b), DifficultyBucket.LABELS.get(b));
        }
    }

    @Test
    void difficultyBucketEdges() {
        assertEquals(0, DifficultyBucket.of(0, 8));
        assertEquals(1, DifficultyBucket.of(1, 8));
        assertEquals(1, DifficultyBucket.of(2, 8)); // 0.25 closes (0,0.25]
        assertEquals(2, DifficultyBucket.of(3, 8));
        assertEquals(2, DifficultyBucket.of(4, 8)); // 0.5
        assertEquals(3, DifficultyBucket.of(6, 8)); // 0.75
        assertEquals(4, DifficultyBucket.of(7, 8));
        assertEquals(5, DifficultyBucket.of(8, 8));
        assertThrows(IllegalArgumentException.class, () -> DifficultyBucket.of(3, 2));
    }

    @Test
    void byPositionBuckets() {
        float[] longSeq = new float[70];
        for (int t = 0; t < 70; t++) {
            longSeq[t] = t < 8 ? 1 : t < 16 ? 2 : t < 32 ? 3 : t < 64 ? 4 : 5;
        }
        StepEntropyBatch batch = new StepEntropyBatch(KEY, List.of(
                new SequenceEntropies(longSeq, new int[70], true, "p"),
                new SequenceEntropies(new float[10], new int[10], true, "p")), VOCAB);
        List<GroupMean> p = summarize(batch, 8).byPosition();
        assertEquals(new GroupMean(0.5, 16, 2), p.get(0)); // (8*1 + 8*0) / 16
        assertEquals(new GroupMean(1.6, 10, 2), p.get(1)); // (8*2 + 2*0) / 10
        assertEquals(new GroupMean(3.0, 16, 1), p.get(2));
        assertEquals(new GroupMean(4.0, 32, 1), p.get(3));
        assertEquals(new GroupMean(5.0, 6, 1), p.get(4));
    }

    @Test
    void covarianceMeanAndTopsWithAtLeastOneToken() {
        CovarianceSummary c = summarize(handBatch(), 2).covariance();
        assertEquals(9, c.count());
        assertEquals(1, c.nonFiniteCount());
        assertEquals(22.0 / 9, c.mean(), EPS); // 1+2+3+4+5-1-2+10+0
        // floor(0.2 * 9) = 1 and every smaller fraction rounds to 0 -> max(1, .) = 1 token: the 10
        assertEquals(List.of(10.0, 10.0, 10.0, 10.0), c.topMeans());
    }

    @Test
    void covarianceTopFractionsOnTenThousandTokens() {
        float[] cov = new float[10000];
        for (int i = 0; i < cov.length; i++) {
            cov[i] = i + 1; // 1..10000
        }
        StepEntropyBatch batch = new StepEntropyBatch(KEY, List.of(
                new SequenceEntropies(new float[10000], new int[10000], true, "p", cov)), VOCAB);
        CovarianceSummary c = summarize(batch, 8).covariance();
        assertEquals(5000.5, c.mean(), EPS);
        // top 2, 20, 200, 2000 tokens: mean of (10001-k .. 10000) = 10000 - (k-1)/2
        assertEquals(List.of(9999.5, 9990.5, 9900.5, 9000.5), c.topMeans());
    }

    @Test
    void noCovarianceGivenMeansNullSummary() {
        StepEntropyBatch batch = new StepEntropyBatch(KEY, List.of(
                new SequenceEntropies(new float[] {1f}, new int[] {1}, true, "p")), VOCAB);
        assertNull(summarize(batch, 8).covariance());
    }

    @Test
    void mixedCovarianceIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new StepEntropyBatch(KEY,
                List.of(new SequenceEntropies(new float[] {1f}, new int[] {1}, true, "p", new float[] {1f}),
                        new SequenceEntropies(new float[] {1f}, new int[] {1}, true, "p")), VOCAB));
        assertTrue(e.getMessage().contains("covariance"), e.getMessage());
    }

    @Test
    void mismatchedLengthsNameTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SequenceEntropies(new float[3], new int[2], true, "p"));
        assertEquals("tokenIds.length = 2: must equal entropies.length = 3", e.getMessage());
    }

    @Test
    void topForkingTokensMergeEqualStrings() {
        StepEntropyStats s = new StepEntropySummarizer(new SummaryConfig(2, 10, 8, 1L)).summarize(handBatch());
        // forking: H=3 (id 5) and H=4 (id 3); id 5 decodes to "t3"
        assertEquals(List.of(new TokenCount("t3", 2)), s.topForkingTokens());
    }

    @Test
    void topForkingTokensOrderedByCountThenStringAndCutAtK() {
        // equal entropies: p80 = 1, every token is a forking token
        float[] h = {1, 1, 1, 1, 1, 1, 1};
        int[] ids = {1, 1, 2, 3, 3, 3, 4};
        StepEntropyBatch batch = new StepEntropyBatch(KEY, List.of(new SequenceEntropies(h, ids, true, "p")), VOCAB);
        StepEntropyStats s = new StepEntropySummarizer(new SummaryConfig(8, 3, 0, 1L)).summarize(batch);
        assertEquals(7, s.aggregates().forkingTokenCount());
        assertEquals(List.of(new TokenCount("t3", 3), new TokenCount("t1", 2), new TokenCount("t2", 1)),
                s.topForkingTokens());
        assertEquals(List.of(), s.samples());
    }

    @Test
    void samplesHoldWholeSequencesWithTokenStrings() {
        StepEntropyStats s = new StepEntropySummarizer(new SummaryConfig(2, 10, 8, 1L)).summarize(handBatch());
        assertEquals(3, s.samples().size()); // capacity 8 >= 3 sequences: all, in order
        SampledSequence b = s.samples().get(1);
        assertEquals(1, b.sequenceIndex());
        assertEquals("p1", b.promptId());
        assertFalse(b.correct());
        assertEquals(List.of("t3", "t3"), b.tokens());
        assertEquals(List.of(5, 3), b.tokenIds());
        assertEquals(List.of(3.0, 0.25), b.entropies());
    }

    @Test
    void nonFiniteEntropiesAreCountedAndExcluded() {
        float[] h = {Float.NaN, 1f, Float.POSITIVE_INFINITY, 3f, Float.NEGATIVE_INFINITY};
        StepEntropyBatch batch = new StepEntropyBatch(KEY,
                List.of(new SequenceEntropies(h, new int[] {1, 2, 3, 4, 5}, true, "p")), VOCAB);
        StepEntropyStats s = new StepEntropySummarizer(new SummaryConfig(2, 10, 8, 1L)).summarize(batch);
        EntropyAggregates a = s.aggregates();
        assertEquals(2, a.tokenCount());
        assertEquals(3, a.nonFiniteCount());
        assertEquals(2.0, a.mean(), EPS);
        assertEquals(1.0, a.std(), EPS);
        assertEquals(2, a.histogram().total());
        // windows (w=2, finite only): t1 -> 1 ; t3 -> window {2,3} has only 3 finite -> 3 ; p80 = 1 + 0.8*2
        assertEquals(2.6, a.windowThreshold(), EPS);
        assertEquals(0.5, a.windowShare(), EPS);
        assertEquals(new GroupMean(2.0, 2, 1), a.byPosition().get(0));
        // the sample keeps the positions, with null where the input was not finite
        assertEquals(Arrays.asList(null, 1.0, null, 3.0, null), s.samples().get(0).entropies());
    }

    @Test
    void onlyNonFiniteEntropiesGiveNullStatistics() {
        StepEntropyBatch batch = new StepEntropyBatch(KEY, List.of(new SequenceEntropies(
                new float[] {Float.NaN, Float.NaN}, new int[] {1, 2}, false, "p")), VOCAB);
        EntropyAggregates a = summarize(batch, 8);
        assertEquals(0, a.tokenCount());
        assertEquals(2, a.nonFiniteCount());
        assertNull(a.mean());
        assertNull(a.percentiles());
        assertNull(a.windowShare());
        assertEquals(new GroupMean(null, 0, 1), a.incorrect());
    }

    @Test
    void emptyStepHasCountZeroAndNullStatistics() {
        StepEntropyStats s = new StepEntropySummarizer().summarize(new StepEntropyBatch(KEY, List.of(), VOCAB));
        EntropyAggregates a = s.aggregates();
        assertEquals(0, a.tokenCount());
        assertEquals(0, a.sequenceCount());
        assertNull(a.mean());
        assertNull(a.std());
        assertNull(a.percentiles());
        assertNull(a.forkingThreshold());
        assertEquals(0, a.forkingTokenCount());
        assertNull(a.shareAboveLevels());
        assertNull(a.windowThreshold());
        assertNull(a.windowShare());
        assertEquals(new GroupMean(null, 0, 0), a.correct());
        assertEquals(new GroupMean(null, 0, 0), a.incorrect());
        a.byDifficulty().forEach(g -> assertEquals(new GroupMean(null, 0, 0), g));
        a.byPosition().forEach(g -> assertEquals(new GroupMean(null, 0, 0), g));
        assertNull(a.covariance());
        assertEquals(0, a.histogram().total());
        assertEquals(List.of(), s.topForkingTokens());
        assertEquals(List.of(), s.samples());
        assertEquals(KEY, s.key());
    }

    @Test
    void emptySequencesCountAsSequencesWithoutTokens() {
        StepEntropyBatch batch = new StepEntropyBatch(KEY, List.of(
                new SequenceEntropies(new float[0], new int[0], true, "p")), VOCAB);
        EntropyAggregates a = summarize(batch, 8);
        assertEquals(1, a.sequenceCount());
        assertEquals(0, a.tokenCount());
        assertEquals(new GroupMean(null, 0, 1), a.correct());
        assertEquals(new GroupMean(null, 0, 0), a.byPosition().get(0));
        assertNotNull(a.histogram());
    }

    @Test
    void sampleIsSeededPerStep() {
        List<SequenceEntropies> seqs = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            seqs.add(new SequenceEntropies(new float[] {i}, new int[] {i}, true, "p" + i));
        }
        StepEntropySummarizer summarizer = new StepEntropySummarizer(new SummaryConfig(8, 5, 4, 99L));
        List<Integer> first = indices(summarizer.summarize(new StepEntropyBatch(KEY, seqs, VOCAB)));
        List<Integer> again = indices(summarizer.summarize(new StepEntropyBatch(KEY, seqs, VOCAB)));
        List<Integer> nextStep = indices(summarizer.summarize(
                new StepEntropyBatch(new StepKey(7, 4, Phase.ROLLOUT), seqs, VOCAB)));
        assertEquals(4, first.size());
        assertEquals(first, again);
        assertFalse(first.equals(nextStep), "different steps should draw different samples: " + first);
    }

    private static List<Integer> indices(StepEntropyStats s) {
        return s.samples().stream().map(SampledSequence::sequenceIndex).toList();
    }
}
