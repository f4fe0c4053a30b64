package dev.forkpoint.trainer.api;

import dev.forkpoint.trainer.runs.PresetCatalog;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

/** The objective presets with their defaults, as the learner's {@link PresetCatalog} lists them. */
@RestController
class PresetsController {

    private final ObjectProvider<PresetCatalog> catalog;

    PresetsController(ObjectProvider<PresetCatalog> catalog) {
        this.catalog = catalog;
    }

    /** Empty until a {@link PresetCatalog} bean (the learner) is wired. */
    @GetMapping("/api/v1/presets")
    List<PresetCatalog.Preset> presets() {
        PresetCatalog presets = catalog.getIfAvailable();
        return presets == null ? List.of() : presets.presets();
    }
}
