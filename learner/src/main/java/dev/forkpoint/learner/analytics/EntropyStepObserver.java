package dev.forkpoint.learner.analytics;

import dev.forkpoint.analytics.input.Phase;
import dev.forkpoint.analytics.input.SequenceEntropies;
import dev.forkpoint.analytics.input.StepEntropyBatch;
import dev.forkpoint.analytics.input.StepKey;
import dev.forkpoint.analytics.stream.EntropyStream;
import dev.forkpoint.learner.run.StepObserver;
import dev.forkpoint.rollout.batch.RolloutBatch;
import dev.forkpoint.rollout.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Plain-Java bridge from {@link StepObserver} to entropy-analytics: turns a step's rollout batch into a
 * {@link Phase#ROLLOUT} batch ({@code H_old}) and the update's recomputed H with cov into a {@link Phase#UPDATE}
 * batch, and submits both to the run's bounded {@link EntropyStream} (which waits, never drops, when full).
 * A sink failure surfaces here as {@code EntropyStreamException} and so fails the step.
 */
public final class EntropyStepObserver implements StepObserver {

    private final long runId;
    private final EntropyStream stream;
    /** Token strings, decoded once on the training thread: the analytics thread only reads this array. */
    private String[] tokenStrings;

    public EntropyStepObserver(long runId, EntropyStream stream) {
        this.runId = runId;
        this.stream = stream;
    }

    @Override
    public void rollout(int step, RolloutBatch drawn, Tokenizer tokenizer) throws InterruptedException {
        List<SequenceEntropies> seqs = new ArrayList<>(drawn.size());
        for (int i = 0; i < drawn.size(); i++) {
            seqs.add(new SequenceEntropies(drawn.oldEntropies()[i], drawn.responseIds()[i], drawn.correct()[i],
                    drawn.problemIds()[i]));
        }
        stream.submit(new StepEntropyBatch(new StepKey(runId, step, Phase.ROLLOUT), seqs, strings(tokenizer)));
    }

    @Override
    public void update(int step, RolloutBatch batch, float[][] entropies, float[][] covariance, Tokenizer tokenizer)
            throws InterruptedException {
        List<SequenceEntropies> seqs = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            if (entropies[i] == null) {
                throw new IllegalStateException("update of step " + step + ": response " + i
                        + " was not scored in the first epoch");
            }
            seqs.add(new SequenceEntropies(entropies[i], batch.responseIds()[i], batch.correct()[i],
                    batch.problemIds()[i], covariance[i]));
        }
        stream.submit(new StepEntropyBatch(new StepKey(runId, step, Phase.UPDATE), seqs, strings(tokenizer)));
    }

    private IntFunction<String> strings(Tokenizer tokenizer) {
        if (tokenStrings == null || tokenStrings.length != tokenizer.vocabSize()) {
            String[] t = new String[tokenizer.vocabSize()];
            for (int id = 0; id < t.length; id++) {
                t[id] = tokenizer.tokenString(id);
            }
            tokenStrings = t;
        }
        String[] t = tokenStrings;
        return id -> id >= 0 && id < t.length ? t[id] : "<" + id + ">";
    }

    /** Batches submitted and not yet written. */
    public int pending() {
        return stream.queuedCount();
    }

    /** Drains the stream (everything submitted is written) and surfaces a sink failure. Idempotent. */
    @Override
    public void close() throws InterruptedException {
        stream.close();
    }
}
