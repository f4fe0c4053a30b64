package dev.forkpoint.trainer.runs;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The named objective presets (algorithms.md section 14: GRPO, DR_GRPO, DAPO, HAPO, CLIP_COV, KL_COV,
 * FORKING, STEER) with their default settings. Implemented by the learner; the service only lists them.
 */
public interface PresetCatalog {

    /** One preset: the name a user writes in {@code objective.preset}, what it is, its defaults. */
    record Preset(String name, String description, Map<String, Object> defaults) {
    }

    List<Preset> presets();

    default Optional<Preset> find(String name) {
        return presets().stream().filter(p -> p.name().equals(name)).findFirst();
    }
}
