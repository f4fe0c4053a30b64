package dev.forkpoint.learner.advantage;

/**
 * A sequence-level advantage estimator (docs/algorithms.md section 1). Computed once per rollout batch (as verl
 * does, before mini-batching), so groups are never split; the objective broadcasts A_i to the valid tokens.
 */
public interface AdvantageEstimator {

    /**
     * @param rewards  sequence rewards R_i (after reward shaping)
     * @param groups   group id of each response (responses to the same prompt share one)
     * @param lengths  valid (response-mask) token count L_i of each response
     * @param normByStd GRPO's std division (false = Dr. GRPO)
     * @return A_i per response
     */
    double[] estimate(double[] rewards, int[] groups, int[] lengths, boolean normByStd);

    /**
     * Whether each response's advantage is measured against the other responses to the same prompt (then a run
     * needs at least two responses per prompt: a group of one has nothing to compare with and gets A = R).
     */
    default boolean groupRelative() {
        return true;
    }

    /** Members of each group, in first-appearance order of the group ids. */
    static java.util.Collection<int[]> groupMembers(int[] groups) {
        java.util.Map<Integer, java.util.List<Integer>> byGroup = new java.util.LinkedHashMap<>();
        for (int i = 0; i < groups.length; i++) {
            byGroup.computeIfAbsent(groups[i], g -> new java.util.ArrayList<>()).add(i);
        }
        java.util.List<int[]> out = new java.util.ArrayList<>();
        for (java.util.List<Integer> m : byGroup.values()) {
            out.add(m.stream().mapToInt(Integer::intValue).toArray());
        }
        return out;
    }

    static void checkShapes(double[] rewards, int[] groups, int[] lengths) {
        if (rewards.length != groups.length || rewards.length != lengths.length) {
            throw new IllegalArgumentException("rewards (" + rewards.length + "), groups (" + groups.length
                    + ") and lengths (" + lengths.length + "): must have one entry per response");
        }
    }
}
