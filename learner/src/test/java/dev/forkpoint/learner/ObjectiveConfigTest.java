package dev.forkpoint.learner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkpoint.learner.config.ObjectiveConfig;
import dev.forkpoint.learner.config.ObjectiveConfigParser;
import dev.forkpoint.learner.config.ObjectivePreset;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** Config defaults, presets, free combinations and rejection messages that name the key. */
class ObjectiveConfigTest {

    private static String rejected(Map<String, ?> config) {
        return assertThrows(IllegalArgumentException.class, () -> ObjectiveConfigParser.parse(config)).getMessage();
    }

    private static void assertMentions(String message, String... parts) {
        for (String p : parts) {
            assertTrue(message.contains(p), "'" + message + "' should mention '" + p + "'");
        }
    }

    @Test
    void emptyConfigIsTheSpecDefault() {
        assertEquals(ObjectiveConfig.DEFAULT, ObjectiveConfigParser.parse(Map.of()));
        ObjectiveConfig d = ObjectiveConfig.DEFAULT;
        assertEquals("grpo", d.advantage());
        assertEquals(0.2, d.clipLow());
        assertEquals(0.2, d.clipHigh());
        assertEquals(3.0, d.clipC());
        assertEquals("token-mean", d.agg());
    }

    @Test
    void presetsFollowTheSpec() {
        ObjectiveConfig dapo = ObjectivePreset.DAPO.config();
        assertEquals(0.2, dapo.clipLow());
        assertEquals(0.28, dapo.clipHigh());
        assertEquals(10.0, dapo.clipC());
        assertEquals("token-mean", dapo.agg());
        assertEquals(1.0, dapo.overlong().penaltyFactor());
        assertNotNull(dapo.dynamicSampling());
        assertEquals(false, ObjectivePreset.DR_GRPO.config().normAdvByStd());
        assertEquals("seq-mean-token-sum-norm", ObjectivePreset.DR_GRPO.config().agg());
        assertEquals("k3", ObjectivePreset.GRPO.config().kl().kind());
        ObjectiveConfig clipCov = ObjectivePreset.CLIP_COV.config();
        assertEquals(1.0, clipCov.clipLow());
        assertEquals(1.0, clipCov.clipHigh());
        assertNull(clipCov.clipC());
        assertEquals(2e-4, clipCov.clipCov().ratio());
        assertEquals(1.0, clipCov.clipCov().lb());
        assertEquals(5.0, clipCov.clipCov().ub());
        assertEquals(2e-3, ObjectivePreset.KL_COV.config().klCov().ratio());
        assertEquals(1.0, ObjectivePreset.KL_COV.config().klCov().beta());
        assertEquals("tlga", ObjectivePreset.HAPO.config().advantage());
        assertEquals(0.8, ObjectivePreset.HAPO.config().hapo().pivot());
        ObjectiveConfig forking = ObjectivePreset.FORKING.config();
        assertEquals(0.2, forking.forking().rho());
        assertEquals("selected", forking.forking().normalize());
        assertEquals(0.28, forking.clipHigh(), "FORKING is DAPO + forking");
        ObjectiveConfig steer = ObjectivePreset.STEER.config();
        assertEquals(0.8, steer.steer().wMin());
        assertEquals(1.2, steer.steer().wMax());
        assertNotNull(steer.dynamicSampling(), "STEER is DAPO + STEER");
    }

    @Test
    void freeCombinationsOverrideAPreset() {
        ObjectiveConfig c = ObjectiveConfigParser.parse(Map.of("preset", "HAPO", "forking", Map.of("rho", 0.3),
                "steer", Map.of("linear", false), "kl", Map.of("kind", "k2", "coef", 0.1)));
        assertEquals("tlga", c.advantage());
        assertEquals(0.3, c.forking().rho());
        assertEquals("selected", c.forking().normalize());
        assertEquals(0.8, c.steer().wMin());
        assertEquals(1.0, c.steer().wMax(), "exponential default");
        assertEquals(0.1, c.kl().coef());
        // Switching DAPO to clip_cov drops the preset's dual clip instead of failing on it.
        ObjectiveConfig cc = ObjectiveConfigParser.parse(Map.of("preset", "DAPO", "loss", "clip_cov"));
        assertNull(cc.clipC());
        assertEquals(2e-4, cc.clipCov().ratio());
        HashMap<String, Object> off = new HashMap<>();
        off.put("preset", "DAPO");
        off.put("overlong", null);
        assertNull(ObjectiveConfigParser.parse(off).overlong(), "null switches a part off");
    }

    @Test
    void parsesJsonTrees() {
        var node = JsonMapper.builder().build().readTree("{\"preset\":\"kl_cov\",\"kl_cov\":{\"ratio\":0.01}}");
        ObjectiveConfig c = ObjectiveConfigParser.parse(node);
        assertEquals(0.01, c.klCov().ratio());
        assertEquals(1.0, c.klCov().beta());
    }

    @Test
    void unknownKeysAreRejectedWithTheirPath() {
        assertMentions(rejected(Map.of("clip_hihg", 0.3)), "clip_hihg", "unknown key", "clip_high");
        assertMentions(rejected(Map.of("hapo", Map.of("pivto", 0.8))), "hapo.pivto", "unknown key");
        assertMentions(rejected(Map.of("loss", "ppo2")), "loss = 'ppo2'", "ppo, clip_cov, kl_cov");
        assertMentions(rejected(Map.of("advantage", "gae")), "advantage = 'gae'", "grpo, tlga");
        assertMentions(rejected(Map.of("agg", "mean")), "agg = 'mean'", "seq-mean-token-sum-norm");
        assertMentions(rejected(Map.of("kl", Map.of("kind", "k4"))), "kl.kind = 'k4'", "k1, k2, k3");
        assertMentions(rejected(Map.of("preset", "PPO")), "preset = 'PPO'", "DAPO");
    }

    @Test
    void outOfRangeValuesAreRejected() {
        assertMentions(rejected(Map.of("forking", Map.of("rho", 0.0))), "forking.rho = 0.0", "(0.0, 1.0]");
        assertMentions(rejected(Map.of("forking", Map.of("rho", 1.5))), "forking.rho = 1.5");
        assertMentions(rejected(Map.of("forking", Map.of("normalize", "some"))), "forking.normalize");
        assertMentions(rejected(Map.of("clip_low", -0.1)), "clip_low = -0.1");
        assertMentions(rejected(Map.of("clip_c", 1.0)), "clip_c = 1.0", "> 1.0");
        assertMentions(rejected(Map.of("hapo", Map.of("pivot", 1.2))), "hapo.pivot = 1.2");
        assertMentions(rejected(Map.of("loss", "kl_cov", "kl_cov", Map.of("ratio", 0))), "kl_cov.ratio = 0.0");
        assertMentions(rejected(Map.of("clip_high", "wide")), "clip_high = 'wide'", "must be a number");
        assertMentions(rejected(Map.of("agg", "seq-mean-token-sum-norm", "max_len", 2.5)), "max_len = 2.5");
    }

    @Test
    void meaninglessCombinationsAreRejected() {
        assertMentions(rejected(Map.of("loss", "clip_cov", "clip_c", 3.0)), "clip_c = 3.0", "clip_cov",
                "no dual clip");
        assertMentions(rejected(Map.of("kl_cov", Map.of("ratio", 0.01))), "kl_cov", "loss = ppo");
        assertMentions(rejected(Map.of("clip_cov", Map.of("ratio", 0.01))), "clip_cov", "loss = ppo");
        assertMentions(rejected(Map.of("steer", Map.of("wmin", 1.3, "wmax", 1.2))), "steer.wmin = 1.3",
                "steer.wmax = 1.2");
        assertMentions(rejected(Map.of("steer", Map.of("linear", false, "wmax", 1.2))), "steer.wmax = 1.2",
                "exponential");
        assertMentions(rejected(Map.of("max_len", 64)), "max_len = 64", "seq-mean-token-sum-norm");
        assertMentions(rejected(Map.of("advantage", "tlga", "norm_adv_by_std", false)), "norm_adv_by_std");
        assertMentions(rejected(Map.of("loss", "clip_cov", "clip_cov", Map.of("lb", 5, "ub", 1))),
                "clip_cov.lb = 5.0", "clip_cov.ub = 1.0");
        assertMentions(rejected(Map.of("hapo", Map.of("adaptive_clip", false, "clip_alpha", 2))),
                "hapo.clip_alpha", "adaptive_clip = false");
    }
}
