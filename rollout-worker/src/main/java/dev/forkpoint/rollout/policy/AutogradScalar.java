package dev.forkpoint.rollout.policy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * A scalar operand for a recorded (differentiable) op that keeps its memory alive until the backward pass.
 *
 * <p>DJL's {@code x.mul(2f)}, {@code x.div(n)}, {@code x.maximum(v)}, {@code x.pow(p)} create a 0-d tensor from
 * a direct Java buffer (zero-copy {@code from_blob} on CPU) and close it as soon as the op returns. Autograd saves
 * that operand for the backward of mul, div, maximum/minimum and pow, so the gradient then reads memory that the
 * garbage collector may already have freed and reused: an update gets a garbage-scaled or NaN/infinite gradient,
 * rarely and at random (measured: a forced GC plus a few allocations between forward and backward corrupts every
 * gradient; see {@code BackwardAfterGcTest}). Ops whose backward does not read the scalar (add, sub, clip, where)
 * and ops outside autograd are safe with the Number overloads.
 *
 * <p>The scalar made here is attached to {@code like}'s manager, which outlives the backward whenever
 * {@code like} is part of the graph being differentiated.
 */
public final class AutogradScalar {

    private AutogradScalar() {
    }

    /** {@code value} as a 0-d array of {@code like}'s data type, on {@code like}'s manager and device. */
    public static NDArray of(NDArray like, double value) {
        if (like.getDataType() == DataType.FLOAT64) {
            return like.getManager().create(value);
        }
        return like.getManager().create((float) value).toType(like.getDataType(), false);
    }
}
