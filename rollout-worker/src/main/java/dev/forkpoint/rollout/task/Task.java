package dev.forkpoint.rollout.task;

import java.util.ArrayList;
import java.util.List;

/**
 * A source of verifiable problems with a fixed train split and a disjoint evaluation split.
 *
 * <p>Access is by index so that a run can checkpoint its data cursor (a single {@code long}) and resume
 * with exactly the same problems: {@code problem(split, i)} depends only on the task config (its seed
 * included) and {@code i}, never on call order.
 */
public interface Task {

    /** The registry name, equal to the config's {@code name} ("countdown", "arithmetic", "jsonl"). */
    String name();

    /**
     * Number of distinct problems in {@code split}. For EVAL this is the evaluation set's size; for TRAIN
     * it is {@link Long#MAX_VALUE} when problems are generated on demand.
     */
    long size(Split split);

    /**
     * The problem at {@code index}. EVAL needs {@code 0 <= index < size(EVAL)}. TRAIN accepts every
     * {@code index >= 0}: finite data is walked in epochs, each a fresh seeded shuffle.
     */
    Problem problem(Split split, long index);

    /** Judges one sampled response (the text the policy generated after the prompt, eos excluded). */
    Verdict verify(Problem problem, String response);

    /**
     * The target response for supervised warm start: a real solution of {@code problem} in the format the
     * verifier accepts, so that {@code verify(p, workedSolution(p)).correct()} always holds.
     */
    String workedSolution(Problem problem);

    /** {@code count} consecutive problems starting at {@code from}. */
    default List<Problem> problems(Split split, long from, int count) {
        List<Problem> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(problem(split, from + i));
        }
        return out;
    }
}
