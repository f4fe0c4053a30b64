package dev.forkpoint.rollout.task;

/** The two disjoint parts of a task's data: problems trained on and held-out problems evaluated on. */
public enum Split {
    TRAIN,
    EVAL;

    /** Lower-case name used in problem ids and logs ("train", "eval"). */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
