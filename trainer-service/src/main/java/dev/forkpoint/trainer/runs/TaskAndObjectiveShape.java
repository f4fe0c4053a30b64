package dev.forkpoint.trainer.runs;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

import java.util.stream.Collectors;

/**
 * The checks on {@code task} and {@code objective} that hold whatever the task registry and the learner
 * later add: a task names itself, an objective names a preset (a known one, when a {@link PresetCatalog}
 * is present). Their other keys are left to the validators of those modules.
 */
@Component
class TaskAndObjectiveShape implements RunConfigValidator {

    private final ObjectProvider<PresetCatalog> catalog;

    TaskAndObjectiveShape(ObjectProvider<PresetCatalog> catalog) {
        this.catalog = catalog;
    }

    @Override
    public void validate(RunConfig config, FieldErrors errors) {
        JsonNode taskName = config.task().get("name");
        if (taskName == null || !taskName.isString() || taskName.asString().isBlank()) {
            errors.add("task.name", "task.name: required, the name of a registered task (e.g. \"countdown\")");
        }
        JsonNode preset = config.objective().get("preset");
        if (preset == null || !preset.isString() || preset.asString().isBlank()) {
            errors.add("objective.preset", "objective.preset: required, the name of an objective preset (e.g. \"DAPO\")");
            return;
        }
        PresetCatalog presets = catalog.getIfAvailable();
        if (presets != null && presets.find(preset.asString()).isEmpty()) {
            String known = presets.presets().stream().map(PresetCatalog.Preset::name).collect(Collectors.joining(", "));
            errors.add("objective.preset", "objective.preset = '" + preset.asString() + "': unknown; known presets: " + known);
        }
    }
}
