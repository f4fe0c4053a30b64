package dev.forkpoint.learner.config;

import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads an {@link ObjectiveConfig} from a map (YAML/JSON run config) or a Jackson tree. Keys are the names of
 * algorithms.md's golden-vector format plus {@code preset}, {@code overlong} and {@code dynamic_sampling}.
 * An optional {@code preset} gives the starting values; every other key overrides them; a nested section
 * overrides only the keys it names, and {@code "section": null} switches that part off. Unknown keys,
 * out-of-range values and meaningless combinations are rejected with a message naming the key.
 */
public final class ObjectiveConfigParser {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private ObjectiveConfigParser() {
    }

    public static ObjectiveConfig parse(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("objective config: must be a JSON object, got " + node);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = MAPPER.convertValue(node, Map.class);
        return parse(map);
    }

    public static ObjectiveConfig parse(Map<String, ?> values) {
        ConfigReader r = new ConfigReader("", values);
        ObjectiveConfig base = r.has("preset")
                ? ObjectivePreset.byName(r.string("preset", null)).config() : ObjectiveConfig.DEFAULT;

        String advantage = r.string("advantage", base.advantage());
        boolean normByStd = r.bool("norm_adv_by_std", base.normAdvByStd());
        String loss = r.string("loss", base.loss());
        double clipLow = r.number("clip_low", base.clipLow());
        double clipHigh = r.number("clip_high", base.clipHigh());
        Double clipC;
        if (r.has("clip_c")) {
            clipC = r.number("clip_c", Double.NaN);
        } else if (ObjectiveConfig.PPO.equals(loss)) {
            clipC = base.clipC() != null ? base.clipC() : ObjectiveConfig.DEFAULT_CLIP_C;
        } else {
            clipC = null; // the preset's dual clip does not carry over to a loss without one
        }
        String agg = r.string("agg", base.agg());
        Integer maxLen = r.integer("max_len", agg.equals(base.agg()) ? base.maxLen() : null);

        HapoOptions hapo = hapo(r, base.hapo());
        ClipCovOptions clipCov = clipCov(r, loss, base.clipCov());
        KlCovOptions klCov = klCov(r, loss, base.klCov());
        ForkingOptions forking = forking(r, base.forking());
        SteerOptions steer = steer(r, base.steer());
        KlPenaltyOptions kl = kl(r, base.kl());
        OverlongOptions overlong = overlong(r, base.overlong());
        DynamicSamplingOptions dynamic = dynamicSampling(r, base.dynamicSampling());
        r.rejectUnknown();
        return new ObjectiveConfig(advantage, normByStd, loss, clipLow, clipHigh, clipC, agg, maxLen, hapo, clipCov,
                klCov, forking, steer, kl, overlong, dynamic);
    }

    private static HapoOptions hapo(ConfigReader r, HapoOptions base) {
        if (r.isNull("hapo")) {
            return null;
        }
        ConfigReader s = r.section("hapo");
        if (s == null) {
            return base;
        }
        HapoOptions b = base != null ? base : HapoOptions.DEFAULT;
        boolean adaptiveClip = s.bool("adaptive_clip", b.adaptiveClip());
        boolean adaptiveAdvantage = s.bool("adaptive_advantage", b.adaptiveAdvantage());
        boolean adaptiveTemperature = s.bool("adaptive_temperature", b.adaptiveTemperature());
        rejectUnused(s, "clip_alpha", adaptiveClip, "hapo.adaptive_clip = false");
        rejectUnused(s, "adv_beta", adaptiveAdvantage, "hapo.adaptive_advantage = false");
        rejectUnused(s, "temperature_tau", adaptiveTemperature, "hapo.adaptive_temperature = false");
        HapoOptions h = new HapoOptions(s.number("pivot", b.pivot()), adaptiveClip, s.number("clip_alpha", b.clipAlpha()),
                adaptiveAdvantage, s.number("adv_beta", b.advBeta()), adaptiveTemperature,
                s.number("temperature_tau", b.temperatureTau()));
        s.rejectUnknown();
        return h;
    }

    private static void rejectUnused(ConfigReader s, String key, boolean used, String why) {
        if (!used && s.has(key)) {
            throw new IllegalArgumentException(s.path(key) + ": has no effect with " + why);
        }
    }

    private static ClipCovOptions clipCov(ConfigReader r, String loss, ClipCovOptions base) {
        ConfigReader s = r.section("clip_cov");
        if (!ObjectiveConfig.CLIP_COV.equals(loss)) {
            if (s != null) {
                throw new IllegalArgumentException("clip_cov: options given but loss = " + loss
                        + "; set loss = clip_cov or remove clip_cov");
            }
            return null;
        }
        ClipCovOptions b = base != null ? base : ClipCovOptions.DEFAULT;
        if (s == null) {
            return b;
        }
        ClipCovOptions o = new ClipCovOptions(s.number("ratio", b.ratio()), s.number("lb", b.lb()),
                s.number("ub", b.ub()));
        s.rejectUnknown();
        return o;
    }

    private static KlCovOptions klCov(ConfigReader r, String loss, KlCovOptions base) {
        ConfigReader s = r.section("kl_cov");
        if (!ObjectiveConfig.KL_COV.equals(loss)) {
            if (s != null) {
                throw new IllegalArgumentException("kl_cov: options given but loss = " + loss
                        + "; set loss = kl_cov or remove kl_cov");
            }
            return null;
        }
        KlCovOptions b = base != null ? base : KlCovOptions.DEFAULT;
        if (s == null) {
            return b;
        }
        KlCovOptions o = new KlCovOptions(s.number("ratio", b.ratio()), s.number("beta", b.beta()));
        s.rejectUnknown();
        return o;
    }

    private static ForkingOptions forking(ConfigReader r, ForkingOptions base) {
        if (r.isNull("forking")) {
            return null;
        }
        ConfigReader s = r.section("forking");
        if (s == null) {
            return base;
        }
        ForkingOptions b = base != null ? base : ForkingOptions.DEFAULT;
        ForkingOptions o = new ForkingOptions(s.number("rho", b.rho()), s.string("normalize", b.normalize()));
        s.rejectUnknown();
        return o;
    }

    private static SteerOptions steer(ConfigReader r, SteerOptions base) {
        if (r.isNull("steer")) {
            return null;
        }
        ConfigReader s = r.section("steer");
        if (s == null) {
            return base;
        }
        boolean linear = s.bool("linear", base != null ? base.linear() : true);
        SteerOptions b = base != null && base.linear() == linear ? base : SteerOptions.defaults(linear);
        SteerOptions o = new SteerOptions(linear, s.number("wmin", b.wMin()), s.number("wmax", b.wMax()));
        s.rejectUnknown();
        return o;
    }

    private static KlPenaltyOptions kl(ConfigReader r, KlPenaltyOptions base) {
        if (r.isNull("kl")) {
            return null;
        }
        ConfigReader s = r.section("kl");
        if (s == null) {
            return base;
        }
        KlPenaltyOptions b = base != null ? base : KlPenaltyOptions.DEFAULT;
        KlPenaltyOptions o = new KlPenaltyOptions(s.string("kind", b.kind()), s.number("coef", b.coef()));
        s.rejectUnknown();
        return o;
    }

    private static OverlongOptions overlong(ConfigReader r, OverlongOptions base) {
        if (r.isNull("overlong")) {
            return null;
        }
        ConfigReader s = r.section("overlong");
        if (s == null) {
            return base;
        }
        OverlongOptions b = base != null ? base : OverlongOptions.DEFAULT;
        OverlongOptions o = new OverlongOptions(s.integer("max_response_length", b.maxResponseLength()),
                s.integer("overlong_buffer", b.overlongBuffer()), s.number("penalty_factor", b.penaltyFactor()));
        s.rejectUnknown();
        return o;
    }

    private static DynamicSamplingOptions dynamicSampling(ConfigReader r, DynamicSamplingOptions base) {
        if (r.isNull("dynamic_sampling")) {
            return null;
        }
        ConfigReader s = r.section("dynamic_sampling");
        if (s == null) {
            return base;
        }
        if (s.has("max_gen_batches")) {
            throw new IllegalArgumentException("dynamic_sampling.max_gen_batches: the bound on prompt batches per step"
                    + " is training.maxGenBatches (default 4); dynamic_sampling has no keys, write dynamic_sampling: {}");
        }
        s.rejectUnknown();
        return DynamicSamplingOptions.DEFAULT;
    }
}
