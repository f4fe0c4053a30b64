package dev.forkpoint.learner.analytics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkpoint.analytics.input.Phase;
import dev.forkpoint.analytics.input.SequenceEntropies;
import dev.forkpoint.analytics.input.StepEntropyBatch;
import dev.forkpoint.analytics.stream.EntropyStream;
import dev.forkpoint.analytics.stream.EntropyStreamException;
import dev.forkpoint.rollout.batch.RolloutBatch;
import dev.forkpoint.rollout.sampler.FinishReason;
import dev.forkpoint.rollout.tokenizer.BuiltinTokenizer;
import dev.forkpoint.rollout.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bridge from the run's observer calls to entropy-analytics batches, and how a sink failure surfaces. */
class EntropyStepObserverTest {

    private final Tokenizer tokenizer = new BuiltinTokenizer();

    /** Two responses of one prompt: the second correct. */
    private RolloutBatch batch() {
        int[][] ids = {{5, 6, 7}, {8, 9}};
        return new RolloutBatch(new int[][] {{1}, {1}}, ids, new float[][] {{-1f, -2f, -3f}, {-1f, -1f}},
                new float[][] {{0.5f, 1.5f, 2.5f}, {0.1f, Float.NaN}}, new float[][] {{1f, 1f, 1f}, {1f, 1f}},
                new int[] {0, 0}, new String[] {"train:3", "train:3"}, new double[] {0, 1},
                new boolean[] {false, true}, new FinishReason[] {FinishReason.STOP, FinishReason.STOP});
    }

    @Test
    void rolloutCarriesHOldAndUpdateCarriesHWithCovarianceUnderTheRunsStepKeys() throws Exception {
        List<StepEntropyBatch> seen = Collections.synchronizedList(new ArrayList<>());
        EntropyStepObserver observer = new EntropyStepObserver(42, new EntropyStream(2, seen::addAll));
        RolloutBatch b = batch();
        observer.rollout(3, b, tokenizer);
        float[][] h = {{0.4f, 1.4f, 2.4f}, {0.2f, 0.3f}};
        float[][] cov = {{0.01f, -0.02f, 0.03f}, {0f, 0.5f}};
        observer.update(3, b, h, cov, tokenizer);
        observer.close();

        assertEquals(2, seen.size());
        StepEntropyBatch rollout = seen.get(0);
        assertEquals(42, rollout.key().runId());
        assertEquals(3, rollout.key().step());
        assertEquals(Phase.ROLLOUT, rollout.key().phase());
        SequenceEntropies r1 = rollout.sequences().get(1);
        assertArrayEquals(b.oldEntropies()[1], r1.entropies()); // NaN passed on: the summariser counts it
        assertArrayEquals(new int[] {8, 9}, r1.tokenIds());
        assertTrue(r1.correct());
        assertEquals("train:3", r1.promptId());
        assertNull(r1.covariance());
        assertEquals(tokenizer.tokenString(7), rollout.tokenString().apply(7));

        StepEntropyBatch update = seen.get(1);
        assertEquals(Phase.UPDATE, update.key().phase());
        assertTrue(update.hasCovariance());
        assertArrayEquals(h[0], update.sequences().get(0).entropies());
        assertArrayEquals(cov[1], update.sequences().get(1).covariance());
        assertEquals(false, update.sequences().get(0).correct());
    }

    @Test
    void aResponseTheUpdateDidNotScoreIsAnErrorNotASilentGap() {
        EntropyStepObserver observer = new EntropyStepObserver(1, new EntropyStream(2, batches -> { }));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> observer.update(2, batch(),
                new float[][] {{1f, 1f, 1f}, null}, new float[][] {{0f, 0f, 0f}, null}, tokenizer));
        assertTrue(e.getMessage().contains("response 1"), e.getMessage());
    }

    @Test
    void aSinkFailureSurfacesAtTheFlushThatEndsTheRun() throws Exception {
        EntropyStepObserver observer = new EntropyStepObserver(1, new EntropyStream(4, batches -> {
            throw new java.sql.SQLException("connection refused");
        }));
        observer.rollout(1, batch(), tokenizer);
        EntropyStreamException e = assertThrows(EntropyStreamException.class, observer::close);
        assertTrue(e.getMessage().contains("connection refused"), e.getMessage());
    }
}
