package dev.forkpoint.learner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkpoint.learner.config.InvalidConfigException;
import dev.forkpoint.learner.config.ObjectiveConfig;
import dev.forkpoint.learner.config.ObjectivePreset;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Config defaults, presets, free combinations and rejection messages that name the key. */
class ObjectiveConfigTest {

    private static String rejected(Map<String, ?> config) {
        return assertThrows(InvalidConfigException.class, () -> ObjectiveConfig.parse(config)).getMessage();
    }

    private static void assertMentions(String message, String... parts) {
        for (String p : parts) {
            assertTrue(message.contains(p), "'" + message + "' should mention '" + p + "'");
        }
    }

    @Test
    void emptyConfigIsTheDocumentedDefault() {
        assertEquals(ObjectiveConfig.DEFAULT, ObjectiveConfig.parse(Map.of()));
        ObjectiveConfig d = ObjectiveConfig.DEFAULT;
        assertNull(d.preset());
        assertEquals("grpo", d.advantage());
        assertEquals(0.2, d.clipLow());
        assertEquals(0.2, d.clipHigh());
        assertEquals(3.0, d.clipC());
        assertEquals("token-mean", d.agg());
        assertTrue(d.parts().isEmpty(), "no part is on by default: " + d.parts());
    }

    @Test
    void presetsFollowTheirRecipes() {
        ObjectiveConfig dapo = ObjectivePreset.DAPO.config();
        assertEquals("DAPO", dapo.preset());
        assertEquals(0.2, dapo.clipLow());
        assertEquals(0.28, dapo.clipHigh());
        assertEquals(10.0, dapo.clipC());
        assertEquals("token-mean", dapo.agg());
        assertEquals(1.0, dapo.overlong().penaltyFactor());
        assertNotNull(dapo.dynamicSampling());
        assertEquals(false, ObjectivePreset.DR_GRPO.config().normAdvByStd());
        assertEquals("seq-mean-token-sum-norm", ObjectivePreset.DR_GRPO.config().agg());
        assertEquals("k3", ObjectivePreset.GRPO.config().kl().kind());
        assertEquals(0.001, ObjectivePreset.GRPO.config().kl().coef());
        ObjectiveConfig clipCov = ObjectivePreset.CLIP_COV.config();
        assertEquals(1.0, clipCov.clipLow());
        assertEquals(1.0, clipCov.clipHigh());
        assertNull(clipCov.clipC());
        assertEquals(2e-4, clipCov.clipCov().ratio());
        assertEquals(1.0, clipCov.clipCov().lb());
        assertEquals(5.0, clipCov.clipCov().ub());
        ObjectiveConfig clipCovSmall = ObjectivePreset.CLIP_COV_SMALL.config();
        assertEquals(2e-2, clipCovSmall.clipCov().ratio());
        assertEquals(1.0, clipCovSmall.clipCov().lb());
        assertEquals(5.0, clipCovSmall.clipCov().ub());
        ObjectiveConfig clipCovRatio = ObjectiveConfig.parse(Map.of("preset", "CLIP_COV", "clipCov",
                Map.of("ratio", 2e-2)));
        assertEquals(clipCovRatio.toString().replace("preset=CLIP_COV,", "preset=CLIP_COV_SMALL,"),
                clipCovSmall.toString(), "CLIP_COV_SMALL is CLIP_COV with its ratio only");
        assertEquals(2e-3, ObjectivePreset.KL_COV.config().klCov().ratio());
        assertEquals(1.0, ObjectivePreset.KL_COV.config().klCov().beta());
        assertEquals("tlga", ObjectivePreset.HAPO.config().advantage());
        assertEquals(0.8, ObjectivePreset.HAPO.config().hapo().pivot());
        assertEquals(10.0, ObjectivePreset.HAPO.config().clipC());
        ObjectiveConfig forking = ObjectivePreset.FORKING.config();
        assertEquals(0.2, forking.forking().rho());
        assertEquals("selected", forking.forking().normalize());
        assertEquals(0.28, forking.clipHigh(), "FORKING is DAPO + forking");
        ObjectiveConfig steer = ObjectivePreset.STEER.config();
        assertEquals(0.8, steer.steer().wMin());
        assertEquals(1.2, steer.steer().wMax());
        assertNotNull(steer.dynamicSampling(), "STEER is DAPO + STEER");
    }

    @ParameterizedTest
    @EnumSource(ObjectivePreset.class)
    void everyPresetReadsBackFromItsCanonicalDocument(ObjectivePreset preset) {
        ObjectiveConfig c = preset.config();
        assertEquals(c, ObjectiveConfig.parse(c.toDocument()));
        assertEquals(c, ObjectiveConfig.parse(Map.of("preset", preset.name())));
    }

    @Test
    void presetsMatchIgnoringCase() {
        assertEquals(ObjectivePreset.KL_COV.config(), ObjectiveConfig.parse(Map.of("preset", "kl_cov")));
        assertEquals(ObjectivePreset.DAPO.config(), ObjectiveConfig.parse(Map.of("preset", "Dapo")));
        assertEquals(ObjectivePreset.DAPO, ObjectivePreset.byName("dapo"));
    }

    @Test
    void freeCombinationsOverrideAPreset() {
        ObjectiveConfig c = ObjectiveConfig.parse(Map.of("preset", "HAPO", "forking", Map.of("rho", 0.3),
                "steer", Map.of("linear", false), "kl", Map.of("kind", "k2", "coef", 0.1)));
        assertEquals("tlga", c.advantage());
        assertEquals(0.3, c.forking().rho());
        assertEquals("selected", c.forking().normalize());
        assertEquals(0.8, c.steer().wMin());
        assertEquals(1.0, c.steer().wMax(), "exponential default");
        assertEquals(0.1, c.kl().coef());
        // Switching DAPO to clip_cov drops the preset's dual clip instead of failing on it.
        ObjectiveConfig cc = ObjectiveConfig.parse(Map.of("preset", "DAPO", "loss", "clip_cov"));
        assertNull(cc.clipC());
        assertEquals(2e-4, cc.clipCov().ratio());
        // And back: CLIP_COV with loss ppo gets the default dual clip and loses its Clip-Cov options.
        ObjectiveConfig back = ObjectiveConfig.parse(Map.of("preset", "CLIP_COV", "loss", "ppo"));
        assertEquals(3.0, back.clipC());
        assertNull(back.clipCov());
        HashMap<String, Object> off = new HashMap<>();
        off.put("preset", "DAPO");
        off.put("overlong", null);
        assertNull(ObjectiveConfig.parse(off).overlong(), "null switches a part off");
        // A section with some keys overrides only those; {} turns a part on with its defaults.
        ObjectiveConfig partial = ObjectiveConfig.parse(Map.of("preset", "STEER", "steer", Map.of("wMin", 0.9)));
        assertEquals(0.9, partial.steer().wMin());
        assertEquals(1.2, partial.steer().wMax());
        assertEquals(0.2, ObjectiveConfig.parse(Map.of("forking", Map.of())).forking().rho());
    }

    @Test
    void anObjectiveWithoutAPresetOverridesTheDefaults() {
        ObjectiveConfig c = ObjectiveConfig.parse(Map.of("clipHigh", 0.28));
        assertNull(c.preset());
        assertEquals(0.28, c.clipHigh());
        assertNull(c.kl(), "no preset: no KL term");
    }

    @Test
    void snakeCaseKeysAreRefusedWithTheCamelCaseName() {
        assertMentions(rejected(Map.of("clip_high", 0.28)), "objective.clip_high", "camelCase", "objective.clipHigh");
        assertMentions(rejected(Map.of("hapo", Map.of("adaptive_clip", false))), "objective.hapo.adaptive_clip",
                "objective.hapo.adaptiveClip");
        assertMentions(rejected(Map.of("steer", Map.of("wmin", 0.9))), "objective.steer.wMin");
        assertMentions(rejected(Map.of("loss", "clip_cov", "clip_cov", Map.of())), "objective.clipCov");
        assertMentions(rejected(Map.of("dynamicSampling", Map.of("maxGenBatches", 4))),
                "objective.dynamicSampling.maxGenBatches", "training.maxGenBatches");
    }

    @Test
    void unknownKeysAndNamesAreRejectedWithTheirPath() {
        assertMentions(rejected(Map.of("clipHihg", 0.3)), "objective.clipHihg", "unknown key", "clipHigh");
        assertMentions(rejected(Map.of("hapo", Map.of("pivto", 0.8))), "objective.hapo.pivto", "unknown key");
        assertMentions(rejected(Map.of("loss", "ppo2")), "objective.loss = 'ppo2'", "ppo, clip_cov, kl_cov");
        assertMentions(rejected(Map.of("advantage", "gae")), "objective.advantage = 'gae'", "grpo, tlga");
        assertMentions(rejected(Map.of("agg", "mean")), "objective.agg = 'mean'", "seq-mean-token-sum-norm");
        assertMentions(rejected(Map.of("kl", Map.of("kind", "k4"))), "objective.kl.kind = 'k4'", "k1, k2, k3");
        assertMentions(rejected(Map.of("preset", "PPO")), "objective.preset = 'PPO'", "DAPO");
    }

    @Test
    void outOfRangeValuesAreRejected() {
        assertMentions(rejected(Map.of("forking", Map.of("rho", 0.0))), "objective.forking.rho = 0", "(0, 1]");
        assertMentions(rejected(Map.of("forking", Map.of("rho", 1.5))), "objective.forking.rho = 1.5");
        assertMentions(rejected(Map.of("forking", Map.of("normalize", "some"))), "objective.forking.normalize");
        assertMentions(rejected(Map.of("clipLow", -0.1)), "objective.clipLow = -0.1");
        assertMentions(rejected(Map.of("clipC", 1.0)), "objective.clipC = 1", "> 1");
        assertMentions(rejected(Map.of("hapo", Map.of("pivot", 1.2))), "objective.hapo.pivot = 1.2");
        assertMentions(rejected(Map.of("loss", "kl_cov", "klCov", Map.of("ratio", 0))), "objective.klCov.ratio = 0");
        assertMentions(rejected(Map.of("clipHigh", "wide")), "objective.clipHigh = 'wide'", "must be a finite number");
        assertMentions(rejected(Map.of("agg", "seq-mean-token-sum-norm", "maxLen", 2.5)), "objective.maxLen = 2.5");
        assertMentions(rejected(Map.of("forking", 0.3)), "objective.forking = 0.3", "must be an object");
    }

    @Test
    void everyErrorOfADocumentIsReported() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> ObjectiveConfig.parse(
                Map.of("clipLow", 2, "forking", Map.of("rho", 0), "kl", Map.of("coef", -1))));
        assertEquals(3, e.errors().size(), e.errors().toString());
        assertEquals("objective.clipLow", e.errors().get(0).field());
    }

    @Test
    void meaninglessCombinationsAreRejected() {
        assertMentions(rejected(Map.of("loss", "clip_cov", "clipC", 3.0)), "objective.clipC", "loss: ppo",
                "no dual clip");
        assertMentions(rejected(Map.of("klCov", Map.of("ratio", 0.01))), "objective.klCov", "loss: kl_cov");
        assertMentions(rejected(Map.of("clipCov", Map.of("ratio", 0.01))), "objective.clipCov", "loss: clip_cov");
        assertMentions(rejected(Map.of("steer", Map.of("wMin", 1.3, "wMax", 1.2))), "objective.steer.wMin = 1.3",
                "objective.steer.wMax = 1.2");
        assertMentions(rejected(Map.of("steer", Map.of("linear", false, "wMax", 1.2))),
                "objective.steer.wMax = 1.2", "exponential");
        assertMentions(rejected(Map.of("maxLen", 64)), "objective.maxLen", "seq-mean-token-sum-norm");
        assertMentions(rejected(Map.of("advantage", "tlga", "normAdvByStd", false)), "objective.normAdvByStd");
        assertMentions(rejected(Map.of("loss", "clip_cov", "clipCov", Map.of("lb", 5, "ub", 1))),
                "objective.clipCov.lb = 5", "objective.clipCov.ub = 1");
        assertMentions(rejected(Map.of("hapo", Map.of("adaptiveClip", false, "clipAlpha", 2))),
                "objective.hapo.clipAlpha", "adaptiveClip: true");
    }
}
