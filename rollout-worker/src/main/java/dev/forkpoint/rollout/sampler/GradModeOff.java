package dev.forkpoint.rollout.sampler;

import ai.djl.pytorch.jni.JniUtils;

/**
 * Turns PyTorch's autograd recording off for the current thread while open (grad mode is per thread in
 * libtorch). Sampling never needs gradients, and recording them would keep every activation alive.
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
