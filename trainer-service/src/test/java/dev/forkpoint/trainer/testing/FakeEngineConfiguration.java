package dev.forkpoint.trainer.testing;

import dev.forkpoint.trainer.runs.PresetCatalog;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

import java.util.List;
import java.util.Map;

/** Test doubles for the parts the learner branch provides: the engine and the preset catalog. */
@TestConfiguration(proxyBeanMethods = false)
public class FakeEngineConfiguration {

    @Bean
    public FakeTrainingEngine fakeTrainingEngine() {
        return new FakeTrainingEngine();
    }

    @Bean
    public PresetCatalog testPresets() {
        return () -> List.of(
                new PresetCatalog.Preset("GRPO", "group-normalised advantages", Map.of("clip_low", 0.2, "clip_high", 0.2)),
                new PresetCatalog.Preset("DAPO", "clip-higher, token-mean, dynamic sampling", Map.of("clip_low", 0.2, "clip_high", 0.28)));
    }
}
