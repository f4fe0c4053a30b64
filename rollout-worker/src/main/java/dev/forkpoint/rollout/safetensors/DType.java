package dev.forkpoint.rollout.safetensors;

/** The element types of a safetensors file that Forkpoint reads and writes, by their header names. */
public enum DType {
    F32(4), F16(2), BF16(2), F64(8), I64(8), I32(4);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    public boolean isFloatingPoint() {
        return this == F32 || this == F16 || this == BF16 || this == F64;
    }

    /** The dtype named {@code name} in a header; an unknown one is refused with the supported names. */
    public static DType of(String name, String where) {
        for (DType d : values()) {
            if (d.name().equals(name)) {
                return d;
            }
        }
        throw new SafetensorsException(where + ": dtype '" + name + "' is not supported; supported: "
                + java.util.Arrays.toString(values()));
    }
}
