package dev.forkpoint.analytics.stats;

import java.util.List;
import java.util.Objects;

/**
 * The aggregate token-entropy statistics of one (run, step, phase), docs/algorithms.md section 15. Every statistic is taken
 * over the finite entropies only; when there are none (an empty step, or only NaN/inf) every statistic is
 * {@code null}, never 0.0, and the counts say why.
 *
 * @param tokenCount        finite-entropy tokens summarised
 * @param nonFiniteCount    tokens whose entropy was NaN or infinite, excluded from every entropy statistic
 * @param sequenceCount     responses in the batch
 * @param mean              mean entropy (nats)
 * @param std               population standard deviation (divides by tokenCount)
 * @param percentiles       p10..p99, {@link Percentile} method
 * @param histogram         counts over the fixed log-spaced bins of {@link EntropyHistogram}
 * @param forkingThreshold  p80 of the step: tokens with {@code H >= p80} are forking tokens (Wang et al.)
 * @param forkingTokenCount tokens with {@code H >= forkingThreshold}
 * @param shareAboveLevels  share of tokens with {@code H > level} for each of {@link EntropyLevels#LEVELS}
 * @param windowSize        window of the sliding mean (ARES; default 8)
 * @param windowThreshold   the batch's p80 of window entropy, see {@link WindowEntropy}
 * @param windowShare       share of tokens whose window entropy is strictly above {@code windowThreshold}
 * @param correct           mean entropy of tokens of correct responses
 * @param incorrect         mean entropy of tokens of incorrect responses
 * @param byDifficulty      mean entropy per pass-rate bucket, aligned with {@link DifficultyBucket#LABELS}
 *                          (members = prompts)
 * @param byPosition        mean entropy per position bucket, aligned with {@link PositionBucket#LABELS}
 * @param covariance        covariance statistics, {@code null} when the batch carried no cov values
 */
public record EntropyAggregates(
        long tokenCount,
        long nonFiniteCount,
        int sequenceCount,
        Double mean,
        Double std,
        EntropyPercentiles percentiles,
        EntropyHistogram histogram,
        Double forkingThreshold,
        long forkingTokenCount,
        List<Double> shareAboveLevels,
        int windowSize,
        Double windowThreshold,
        Double windowShare,
        GroupMean correct,
        GroupMean incorrect,
        List<GroupMean> byDifficulty,
        List<GroupMean> byPosition,
        CovarianceSummary covariance) {

    public EntropyAggregates {
        Objects.requireNonNull(histogram, "histogram");
        Objects.requireNonNull(correct, "correct");
        Objects.requireNonNull(incorrect, "incorrect");
        byDifficulty = List.copyOf(byDifficulty);
        byPosition = List.copyOf(byPosition);
        if (shareAboveLevels != null) {
            shareAboveLevels = List.copyOf(shareAboveLevels);
        }
        if (byDifficulty.size() != DifficultyBucket.LABELS.size()) {
            throw new IllegalArgumentException("byDifficulty.size() = " + byDifficulty.size() + ": must be "
                    + DifficultyBucket.LABELS.size());
        }
        if (byPosition.size() != PositionBucket.LABELS.size()) {
            throw new IllegalArgumentException("byPosition.size() = " + byPosition.size() + ": must be "
                    + PositionBucket.LABELS.size());
        }
        if (histogram.total() != tokenCount) {
            throw new IllegalArgumentException("histogram total " + histogram.total()
                    + ": must equal tokenCount = " + tokenCount);
        }
    }
}
