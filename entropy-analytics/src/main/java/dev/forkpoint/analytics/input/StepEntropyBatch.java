package dev.forkpoint.analytics.input;

import java.util.List;
import java.util.Objects;
import java.util.function.IntFunction;

/**
 * Everything the trainer hands over for one (run, step, phase): the sequences of the step and a way to turn token
 * ids into strings (for the forking-token counts and the sampled sequences).
 *
 * @param key         run, step and phase
 * @param sequences   the step's responses; may be empty (an empty step is stored with count 0 and null statistics)
 * @param tokenString id to display string, e.g. the tokenizer's decode of a single id; called on the analytics
 *                    thread, so it must be thread-safe
 */
public record StepEntropyBatch(StepKey key, List<SequenceEntropies> sequences, IntFunction<String> tokenString) {
    public StepEntropyBatch {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(tokenString, "tokenString");
        sequences = List.copyOf(Objects.requireNonNull(sequences, "sequences"));
        boolean anyCov = false;
        boolean allCov = true;
        for (SequenceEntropies s : sequences) {
            anyCov |= s.covariance() != null;
            allCov &= s.covariance() != null;
        }
        if (anyCov && !allCov) {
            throw new IllegalArgumentException("sequences[*].covariance: given for some sequences but not all;"
                    + " give it for every sequence of the batch or for none");
        }
    }

    /** Whether the batch carries per-token covariance values (then every sequence does). */
    public boolean hasCovariance() {
        return !sequences.isEmpty() && sequences.get(0).covariance() != null;
    }

    public long tokenCount() {
        long n = 0;
        for (SequenceEntropies s : sequences) {
            n += s.length();
        }
        return n;
    }
}
