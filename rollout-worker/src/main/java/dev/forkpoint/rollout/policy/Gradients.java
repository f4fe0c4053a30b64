package dev.forkpoint.rollout.policy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.training.GradientCollector;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The process's gradient collectors, one at a time. DJL's PyTorch engine allows a single open collector per process
 * ("A PtGradientCollector is already collecting"), so two runs trained side by side
 * ({@code forkpoint.scheduler.concurrency} above 1) take turns for each forward and backward, in arrival order;
 * sampling, evaluation and everything else of the runs still overlap.
 */
public final class Gradients {

    private static final ReentrantLock LOCK = new ReentrantLock(true);

    private Gradients() {
    }

    /** Waits for the process's collector, then opens it; closing the returned collector releases it. */
    public static GradientCollector collect() {
        LOCK.lock();
        try {
            return new Held(Engine.getInstance().newGradientCollector());
        } catch (RuntimeException | Error e) {
            LOCK.unlock();
            throw e;
        }
    }

    private static final class Held implements GradientCollector {
        private final GradientCollector inner;
        private boolean closed;

        Held(GradientCollector inner) {
            this.inner = inner;
        }

        @Override
        public void backward(NDArray target) {
            inner.backward(target);
        }

        @Override
        public void zeroGradients() {
            inner.zeroGradients();
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            try {
                inner.close();
            } finally {
                LOCK.unlock();
            }
        }
    }
}
