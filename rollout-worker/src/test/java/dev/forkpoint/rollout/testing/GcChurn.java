package dev.forkpoint.rollout.testing;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Frees every unreachable direct buffer and fills freshly allocated native memory with NaN: called between a
 * forward and its backward, it turns a gradient that reads a tensor whose Java-side buffer DJL has already released
 * (a closed zero-copy scalar, see {@code AutogradScalar}) from a rare, random corruption into a certain NaN.
 */
public final class GcChurn {

    /** Native memory of the last churn, kept reachable until the next one so it is not freed again at once. */
    private static List<ByteBuffer> held = List.of();

    private GcChurn() {
    }

    public static synchronized void freeAndOverwrite() {
        held = List.of();
        for (int round = 0; round < 3; round++) {
            System.gc();
            try {
                Thread.sleep(20); // the Cleaner thread frees the direct buffers of collected objects
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        List<ByteBuffer> fresh = new ArrayList<>();
        // Many small blocks (the size of a freed 0-d tensor's buffer and its neighbours) and a few large ones.
        for (int size : new int[] {4, 8, 16, 32, 64, 256, 4096, 65536}) {
            int count = size <= 64 ? 2000 : 64;
            for (int i = 0; i < count; i++) {
                ByteBuffer b = ByteBuffer.allocateDirect(size);
                for (int k = 0; k + 4 <= size; k += 4) {
                    b.putFloat(k, Float.NaN);
                }
                fresh.add(b);
            }
        }
        held = fresh;
    }
}
