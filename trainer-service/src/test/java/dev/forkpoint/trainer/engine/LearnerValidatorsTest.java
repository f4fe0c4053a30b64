package dev.forkpoint.trainer.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkpoint.learner.cli.RunConfigFiles;
import dev.forkpoint.learner.config.ObjectivePreset;
import dev.forkpoint.trainer.runs.FieldErrors;
import dev.forkpoint.trainer.runs.PresetCatalog;
import dev.forkpoint.trainer.runs.RunConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The task and objective validators report the offending field; the catalog lists every preset. */
class LearnerValidatorsTest {

    private static List<FieldErrors.FieldError> errors(String task, String objective) {
        RunConfig c = RunConfigFiles.parseJson("{\"task\": " + task + ", \"objective\": " + objective + "}");
        FieldErrors errors = new FieldErrors();
        new TaskConfigValidator().validate(c, errors);
        new ObjectiveConfigValidator().validate(c, errors);
        return errors.list();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"name\":\"countdown\",\"numbers\":5}          | {\"preset\":\"DAPO\"}                       | task.numbers",
            "{\"name\":\"countdown\",\"colour\":1}           | {\"preset\":\"DAPO\"}                       | task.colour",
            "{\"name\":\"nope\"}                             | {\"preset\":\"DAPO\"}                       | task.name",
            "{\"name\":\"countdown\"}                        | {\"preset\":\"DAPO\",\"clip_high\":-1}      | objective.clip_high",
            "{\"name\":\"countdown\"}                        | {\"preset\":\"HAPO\",\"hapo\":{\"pivot\":2}} | objective.hapo.pivot",
            "{\"name\":\"countdown\"}                        | {\"preset\":\"GRPO\",\"colour\":1}          | objective.colour",
            "{\"name\":\"countdown\"}                        | {\"preset\":\"DAPO\",\"dynamic_sampling\":{\"max_gen_batches\":4}} | objective.dynamic_sampling.max_gen_batches",
            "{\"name\":\"countdown\"}                        | {\"preset\":\"GRPO\",\"loss\":\"nope\"}     | objective.loss",
            "{\"name\":\"countdown\"}                        | {\"preset\":\"GRPO\",\"clip_cov\":{\"ratio\":0.1}} | objective.clip_cov",
    })
    void invalidSectionsNameTheirField(String task, String objective, String field) {
        List<FieldErrors.FieldError> list = errors(task, objective);
        assertEquals(1, list.size(), list.toString());
        assertEquals(field, list.get(0).field(), list.get(0).message());
    }

    @Test
    void validSectionsPassAndUnknownPresetsAreLeftToTheShapeCheck() {
        assertTrue(errors("{\"name\":\"countdown\",\"numbers\":4}", "{\"preset\":\"FORKING\",\"forking\":{\"rho\":0.1}}")
                .isEmpty());
        assertTrue(errors("{\"name\":\"countdown\"}", "{\"preset\":\"NOPE\"}").isEmpty());
        assertTrue(errors("{\"name\":\"countdown\"}", "{\"preset\":\"GRPO\",\"dynamic_sampling\":{}}").isEmpty(),
                "dynamic sampling switched on, bounded by training.maxGenBatches");
    }

    @Test
    void catalogListsEveryPresetWithItsSettings() {
        PresetCatalog catalog = new ObjectivePresetCatalog();
        assertEquals(ObjectivePreset.values().length, catalog.presets().size());
        Map<String, Object> dapo = catalog.find("DAPO").orElseThrow().defaults();
        assertEquals(0.28, dapo.get("clip_high"));
        assertEquals(Map.of(), dapo.get("dynamic_sampling"));
        assertEquals(0.2, ((Map<?, ?>) catalog.find("FORKING").orElseThrow().defaults().get("forking")).get("rho"));
    }
}
