package dev.forkpoint.rollout.policy;

import ai.djl.pytorch.jni.JniUtils;

/**
 * Turns PyTorch's autograd recording off for the current thread while open (grad mode is per thread in
 * libtorch, and on by default in a new thread). Sampling never needs gradients (recording them would keep every
 * activation alive), and the optimiser's in-place parameter updates must not be recorded.
 */
public final class GradModeOff implements AutoCloseable {

    private final boolean previous;

    public GradModeOff() {
        previous = JniUtils.isGradMode();
        if (previous) {
            JniUtils.setGradMode(false);
        }
    }

    @Override
    public void close() {
        if (previous) {
            JniUtils.setGradMode(true);
        }
    }
}
