package dev.forkpoint.trainer.api;

import dev.forkpoint.learner.config.ObjectivePreset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The objective presets, straight from the learner's declaration of them. */
@RestController
class PresetsController {

    /**
     * One preset.
     *
     * @param name        what to write in {@code objective.preset} (any case)
     * @param description what it is and where it comes from
     * @param overrides   the keys it sets over the objective's defaults, as a user would write them
     * @param config      the full objective it gives: every key, parts that are off as null
     */
    record PresetView(String name, String description, Map<String, Object> overrides, Map<String, Object> config) {
    }

    private static final List<PresetView> PRESETS = Arrays.stream(ObjectivePreset.values())
            .map(p -> new PresetView(p.name(), p.description(), p.overrides(), withoutPreset(p)))
            .toList();

    private static Map<String, Object> withoutPreset(ObjectivePreset p) {
        Map<String, Object> doc = new java.util.LinkedHashMap<>(p.config().toDocument());
        doc.remove("preset");
        return doc;
    }

    @GetMapping("/api/v1/presets")
    List<PresetView> presets() {
        return PRESETS;
    }
}
