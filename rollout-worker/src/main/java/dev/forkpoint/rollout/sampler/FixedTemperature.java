package dev.forkpoint.rollout.sampler;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * One temperature for every token: evaluation (adaptive temperature is off there, docs/algorithms.md section 4)
 * and runs without HAPO.
 *
 * @param temperature the temperature T > 0 of softmax(z / T)
 */
public record FixedTemperature(double temperature) implements TemperatureRule {

    public FixedTemperature {
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("sampling.temperature = " + temperature + ": must be finite and > 0");
        }
    }

    @Override
    public NDArray temperatures(NDArray entropy) {
        return entropy.getManager().full(new Shape(entropy.getShape().get(0), 1), (float) temperature,
                DataType.FLOAT32, entropy.getDevice());
    }
}
