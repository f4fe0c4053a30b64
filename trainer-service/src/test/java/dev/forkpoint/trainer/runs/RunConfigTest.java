package dev.forkpoint.trainer.runs;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Plain-Java checks of the run config record tree: defaults, JSON round trip, bounds. */
class RunConfigTest {

    private final JsonMapper json = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    @Test
    void anEmptyObjectTakesEveryDefaultAndIsValid() {
        RunConfig config = json.readValue("{}", RunConfig.class);
        assertEquals("run", config.name());
        assertEquals("auto", config.device());
        assertEquals(8, config.training().groupSize());
        assertEquals(1e-4, config.training().learningRate());
        assertEquals(128, config.model().dModel());
        assertEquals("countdown", config.task().get("name").asString());
        assertEquals("GRPO", config.objective().get("preset").asString());
        FieldErrors errors = new FieldErrors();
        config.validate(errors);
        assertTrue(errors.isEmpty(), errors.list().toString());
    }

    @Test
    void aStoredConfigReadsBackEqual() {
        RunConfig config = json.readValue("""
                {"name":"x","seed":3,"model":{"layers":2},"task":{"name":"countdown","numbers":4},
                 "objective":{"preset":"DAPO","clip_high":0.28},"training":{"steps":9}}""", RunConfig.class);
        assertEquals(config, json.readValue(json.writeValueAsString(config), RunConfig.class));
    }

    @Test
    void unknownNestedPropertiesAreRefused() {
        assertThrows(UnrecognizedPropertyException.class,
                () -> json.readValue("{\"sampling\":{\"temprature\":1.0}}", RunConfig.class));
    }

    @Test
    void boundsNameTheFieldAndTheValue() {
        RunConfig config = json.readValue("{\"model\":{\"heads\":3,\"dModel\":128},\"training\":{\"learningRate\":\"NaN\"}}",
                RunConfig.class);
        FieldErrors errors = new FieldErrors();
        config.validate(errors);
        assertEquals("model.heads = 3: must divide model.dModel = 128", errors.list().get(0).message());
        assertEquals("training.learningRate", errors.list().get(1).field());
    }
}
