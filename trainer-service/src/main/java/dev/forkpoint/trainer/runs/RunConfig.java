package dev.forkpoint.trainer.runs;

import io.swagger.v3.oas.annotations.media.Schema;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Everything a run needs, as submitted to {@code POST /api/v1/runs}; missing fields take the defaults
 * documented per field. Unknown JSON properties are rejected. {@code task} and {@code objective} are
 * free-form objects checked by the {@link RunConfigValidator} beans (the task registry and the
 * objective presets own their contents).
 *
 * @param name      human-readable run name, 1-100 characters of letters, digits, space, {@code ._-}
 *                  (default "run")
 * @param seed      seed of every random choice of the run (sampling, data order, Clip-Cov picks);
 *                  the same seed and config give the same steps (default 0)
 * @param device    {@code auto} (CUDA when DJL finds one, else CPU), {@code cpu} or {@code gpu}
 *                  (default auto)
 * @param priority  queue priority, -100..100, higher starts first (default 0)
 * @param model     the policy's shape or base checkpoint
 * @param task      the task and its options, e.g. {@code {"name":"countdown","numbers":3}}
 *                  (default {"name":"countdown"})
 * @param objective the objective preset and overrides, e.g. {@code {"preset":"DAPO","clip_high":0.28}}
 *                  (default {"preset":"GRPO"})
 * @param sampling  how rollouts are sampled
 * @param training  the optimisation loop
 */
public record RunConfig(String name, Long seed, String device, Integer priority, ModelSpec model,
                        @Schema(type = "object", implementation = Map.class) ObjectNode task,
                        @Schema(type = "object", implementation = Map.class) ObjectNode objective,
                        SamplingSpec sampling, TrainingSpec training) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._ -]{1,100}");
    private static final Set<String> DEVICES = Set.of("auto", "cpu", "gpu");

    public RunConfig {
        name = name == null ? "run" : name;
        seed = seed == null ? 0L : seed;
        device = device == null ? "auto" : device;
        priority = priority == null ? 0 : priority;
        model = model == null ? ModelSpec.defaults() : model;
        task = task == null ? JsonNodeFactory.instance.objectNode().put("name", "countdown") : task;
        objective = objective == null ? JsonNodeFactory.instance.objectNode().put("preset", "GRPO") : objective;
        sampling = sampling == null ? SamplingSpec.defaults() : sampling;
        training = training == null ? TrainingSpec.defaults() : training;
    }

    /** The bounds every run config must satisfy, independent of task and objective contents. */
    public void validate(FieldErrors errors) {
        if (!NAME.matcher(name).matches()) {
            errors.add("name", "name: must be 1-100 characters of letters, digits, space, '.', '_' or '-'");
        }
        if (seed < 0) {
            errors.add("seed", "seed = " + seed + ": must be >= 0");
        }
        if (!DEVICES.contains(device)) {
            errors.add("device", "device = '" + device + "': must be one of auto, cpu, gpu");
        }
        errors.range("priority", priority, -100, 100);
        model.validate(errors);
        sampling.validate(errors, model);
        training.validate(errors);
    }
}
