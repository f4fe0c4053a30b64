package dev.forkpoint.rollout.batch;

import dev.forkpoint.rollout.sampler.FinishReason;
import java.util.Arrays;

/**
 * One step's rollouts as plain Java, one entry per response (docs/architecture.md, "One training step", 2). The
 * responses of a prompt form a group; groups are numbered 0..G-1 in draw order and responses of one group
 * are adjacent.
 *
 * @param promptIds      the tokenized prompt each response continues, {@code bos + prompt} (not padded)
 * @param responseIds    generated ids, the stop token included when one ended the response
 * @param oldLogProbs    olp: T=1 log-probability of each generated id at rollout (docs/algorithms.md section 4)
 * @param oldEntropies   H_old: full-vocabulary T=1 entropy (nats) at each generated position
 * @param temperatures   the temperature each token was sampled at
 * @param groups         group index of each response, 0..G-1
 * @param problemIds     the task's id of the prompt ({@code Problem.id()}), e.g. "train:17"
 * @param scores         the verifier's score in [0, 1]
 * @param correct        the verifier's correctness
 * @param finishReasons  why the response ended (STOP: sampled a stop token; LENGTH: hit maxNewTokens)
 */
public record RolloutBatch(int[][] promptIds, int[][] responseIds, float[][] oldLogProbs, float[][] oldEntropies,
                           float[][] temperatures, int[] groups, String[] problemIds, double[] scores,
                           boolean[] correct, FinishReason[] finishReasons) implements java.io.Serializable {

    public RolloutBatch {
        int n = responseIds.length;
        if (promptIds.length != n || oldLogProbs.length != n || oldEntropies.length != n || temperatures.length != n
                || groups.length != n || problemIds.length != n || scores.length != n || correct.length != n
                || finishReasons.length != n) {
            throw new IllegalArgumentException("rollout batch: every per-response array needs " + n + " entries");
        }
        for (int i = 0; i < n; i++) {
            int len = responseIds[i].length;
            if (oldLogProbs[i].length != len || oldEntropies[i].length != len || temperatures[i].length != len) {
                throw new IllegalArgumentException("rollout batch: response " + i + " has " + len
                        + " ids but per-token arrays of other lengths");
            }
        }
    }

    /** An empty batch (no response); what dynamic sampling starts from. */
    public static RolloutBatch empty() {
        return new RolloutBatch(new int[0][], new int[0][], new float[0][], new float[0][], new float[0][], new int[0],
                new String[0], new double[0], new boolean[0], new FinishReason[0]);
    }

    public int size() {
        return responseIds.length;
    }

    /** Number of groups (prompts). */
    public int groupCount() {
        int g = 0;
        for (int x : groups) {
            g = Math.max(g, x + 1);
        }
        return g;
    }

    /** Valid-token count of each response (the response-mask row sums). */
    public int[] responseLengths() {
        int[] out = new int[size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = responseIds[i].length;
        }
        return out;
    }

    public long responseTokens() {
        long n = 0;
        for (int[] r : responseIds) {
            n += r.length;
        }
        return n;
    }

    public long promptTokens() {
        long n = 0;
        for (int[] p : promptIds) {
            n += p.length;
        }
        return n;
    }

    /** Verifier accuracy of each response as 0/1 (dynamic sampling's filter reads these). */
    public double[] accuracies() {
        double[] a = new double[size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = correct[i] ? 1.0 : 0.0;
        }
        return a;
    }

    public double meanScore() {
        return size() == 0 ? 0.0 : Arrays.stream(scores).average().orElse(0.0);
    }

    public double accuracy() {
        return size() == 0 ? 0.0 : Arrays.stream(accuracies()).average().orElse(0.0);
    }

    /** Mean of a per-token quantity over every generated token (0 when there is none). */
    public static double tokenMean(float[][] perToken) {
        double s = 0;
        long n = 0;
        for (float[] row : perToken) {
            for (float v : row) {
                s += v;
                n++;
            }
        }
        return n == 0 ? 0.0 : s / n;
    }

    /** The groups whose flag is set, at most {@code maxGroups} of them (in order), renumbered 0..k-1. */
    public RolloutBatch selectGroups(boolean[] keep, int maxGroups) {
        int[] newId = new int[keep.length];
        int kept = 0;
        for (int g = 0; g < keep.length; g++) {
            newId[g] = keep[g] && kept < maxGroups ? kept++ : -1;
        }
        Builder out = new Builder();
        for (int i = 0; i < size(); i++) {
            if (newId[groups[i]] >= 0) {
                out.add(this, i, newId[groups[i]]);
            }
        }
        return out.build();
    }

    /** This batch followed by {@code other}, whose groups are renumbered after this batch's. */
    public RolloutBatch concat(RolloutBatch other) {
        Builder out = new Builder();
        for (int i = 0; i < size(); i++) {
            out.add(this, i, groups[i]);
        }
        int offset = groupCount();
        for (int i = 0; i < other.size(); i++) {
            out.add(other, i, offset + other.groups[i]);
        }
        return out.build();
    }

    /** Collects rows of existing batches (shared, not copied: rows are never modified) under new group ids. */
    private static final class Builder {
        private final java.util.List<RolloutBatch> from = new java.util.ArrayList<>();
        private final java.util.List<int[]> rowAndGroup = new java.util.ArrayList<>();

        void add(RolloutBatch source, int row, int group) {
            from.add(source);
            rowAndGroup.add(new int[] {row, group});
        }

        RolloutBatch build() {
            int n = from.size();
            int[][] prompt = new int[n][];
            int[][] response = new int[n][];
            float[][] olp = new float[n][];
            float[][] hOld = new float[n][];
            float[][] temps = new float[n][];
            int[] group = new int[n];
            String[] ids = new String[n];
            double[] score = new double[n];
            boolean[] right = new boolean[n];
            FinishReason[] reasons = new FinishReason[n];
            for (int j = 0; j < n; j++) {
                RolloutBatch s = from.get(j);
                int i = rowAndGroup.get(j)[0];
                prompt[j] = s.promptIds[i];
                response[j] = s.responseIds[i];
                olp[j] = s.oldLogProbs[i];
                hOld[j] = s.oldEntropies[i];
                temps[j] = s.temperatures[i];
                group[j] = rowAndGroup.get(j)[1];
                ids[j] = s.problemIds[i];
                score[j] = s.scores[i];
                right[j] = s.correct[i];
                reasons[j] = s.finishReasons[i];
            }
            return new RolloutBatch(prompt, response, olp, hOld, temps, group, ids, score, right, reasons);
        }
    }
}
