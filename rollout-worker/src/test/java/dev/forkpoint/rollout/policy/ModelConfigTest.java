package dev.forkpoint.rollout.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ModelConfigTest {

    static String message(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    @Test
    void invalidFieldsAreNamedWithTheirValue() {
        assertEquals("model.dModel = 16: must be divisible by heads (3)",
                message(() -> new ModelConfig(10, 2, 3, 16, 32, 4)));
        assertEquals("model.vocabSize = 1: must be at least 2", message(() -> new ModelConfig(1, 2, 2, 16, 32, 4)));
        assertEquals("model.layers = 0: must be at least 1", message(() -> new ModelConfig(10, 0, 2, 16, 32, 4)));
        assertEquals("model.heads = 0: must be at least 1", message(() -> new ModelConfig(10, 2, 0, 16, 32, 4)));
        assertEquals("model.contextLength = 1: must be at least 2", message(() -> new ModelConfig(10, 2, 2, 16, 1, 4)));
        assertEquals("model.mlpRatio = 0: must be at least 1", message(() -> new ModelConfig(10, 2, 2, 16, 32, 0)));
    }

    @Test
    void referenceShapeAndHeadDim() {
        ModelConfig c = ModelConfig.reference(99, 256);
        assertEquals(4, c.layers());
        assertEquals(32, c.headDim());
    }
}
