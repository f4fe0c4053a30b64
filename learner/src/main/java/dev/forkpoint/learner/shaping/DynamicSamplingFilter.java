package dev.forkpoint.learner.shaping;

/**
 * DAPO dynamic sampling's group filter (docs/algorithms.md section 2): a group is kept only when its accuracies
 * are not all equal (std > 0), since a group that is all right or all wrong has zero advantage everywhere;
 * a single-response group is kept. The loop that draws more batches until enough groups survive (bounded by
 * {@code training.maxGenBatches}) belongs to the update loop.
 */
public final class DynamicSamplingFilter {

    private DynamicSamplingFilter() {
    }

    /**
     * @param groups   group id of each response, ids 0..G-1
     * @param accuracy the verifier's accuracy of each response
     * @return keep flag per group id
     */
    public static boolean[] keepGroups(int[] groups, double[] accuracy) {
        if (groups.length != accuracy.length) {
            throw new IllegalArgumentException("groups (" + groups.length + ") and accuracy (" + accuracy.length
                    + "): must have one entry per response");
        }
        int count = 0;
        for (int g : groups) {
            if (g < 0) {
                throw new IllegalArgumentException("groups: id " + g + " is negative");
            }
            count = Math.max(count, g + 1);
        }
        int[] size = new int[count];
        double[] sum = new double[count];
        for (int i = 0; i < groups.length; i++) {
            size[groups[i]]++;
            sum[groups[i]] += accuracy[i];
        }
        double[] ss = new double[count];
        for (int i = 0; i < groups.length; i++) {
            double d = accuracy[i] - sum[groups[i]] / size[groups[i]];
            ss[groups[i]] += d * d;
        }
        boolean[] keep = new boolean[count];
        for (int g = 0; g < count; g++) {
            if (size[g] == 0) {
                throw new IllegalArgumentException("groups: id " + g + " has no response (ids must be 0..G-1)");
            }
            keep[g] = size[g] == 1 || ss[g] > 0;
        }
        return keep;
    }
}
