package dev.forkpoint.trainer.runs;

/**
 * An extension point that checks parts of a run config the service does not own: the task registry
 * checks {@code task}, the objective presets check {@code objective}. Every bean of this type runs on
 * every submitted config, after the built-in bounds of {@link RunConfig#validate}; errors name the JSON
 * path, e.g. {@code errors.add("objective.clip_high", "objective.clip_high = -1: must be >= 0")}.
 */
public interface RunConfigValidator {

    void validate(RunConfig config, FieldErrors errors);
}
