package dev.forkpoint.learner.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a large parameter into blocks of whole rows for elementwise optimiser arithmetic, so that each temporary
 * holds one block (about {@link #BLOCK_ELEMENTS} values, 16 MiB of floats) rather than the whole tensor: for an
 * embedding of Qwen2.5's 151,936 x 896 values every whole-tensor temporary is 545 MB.
 */
final class RowBlocks {

    static final long BLOCK_ELEMENTS = 1L << 22;

    private RowBlocks() {}

    /** Row ranges covering {@code p}'s first axis, or null when {@code p} is small enough to take whole. */
    static List<NDIndex> of(NDArray p) {
        long size = p.getShape().size();
        if (size <= BLOCK_ELEMENTS || p.getShape().dimension() < 2) {
            return null;
        }
        long rows = p.getShape().get(0);
        long perRow = size / rows;
        long step = Math.max(1, BLOCK_ELEMENTS / perRow);
        List<NDIndex> out = new ArrayList<>();
        for (long r = 0; r < rows; r += step) {
            out.add(new NDIndex("{}:{}", r, Math.min(rows, r + step)));
        }
        return out;
    }
}
