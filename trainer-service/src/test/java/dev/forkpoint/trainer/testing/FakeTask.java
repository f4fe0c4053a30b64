package dev.forkpoint.trainer.testing;

import dev.forkpoint.rollout.task.ConfigFields;
import dev.forkpoint.rollout.task.TaskConfig;
import dev.forkpoint.rollout.task.Tasks;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code fake} task of the service's integration tests, registered in the task registry so that run configs
 * naming it go through the real parser; only {@link FakeTrainingEngine} reads it (it cannot be trained for real).
 *
 * @param stepMillis     sleep per step
 * @param failOnceAtStep the first attempt throws at that step (-1: never)
 * @param evalPeakStep   eval accuracy {@code 1 - |step - peak| / 10}
 * @param padding        ignored text (to make large request bodies)
 * @param noRewardSignal every step reports reward 0 and no prompt group with reward variance
 * @param openMillis     a fresh run's opening takes this long, like a warm start, stopping when the service does
 */
public record FakeTask(long stepMillis, int failOnceAtStep, int evalPeakStep, String padding, boolean noRewardSignal,
                       long seed, long openMillis)
        implements TaskConfig {

    public static final String NAME = "fake";

    static synchronized void register() {
        if (Tasks.names().contains(NAME)) {
            return;
        }
        Map<String, Object> defaults = new LinkedHashMap<>();
        defaults.put("stepMillis", 0L);
        defaults.put("failOnceAtStep", -1);
        defaults.put("evalPeakStep", 0);
        defaults.put("padding", "");
        defaults.put("noRewardSignal", false);
        defaults.put("seed", 0L);
        defaults.put("openMillis", 0L);
        Tasks.register(NAME, FakeTask.class, FakeTask::parse, c -> {
            throw new UnsupportedOperationException("the fake task only runs on the fake engine");
        }, "test-only task of the fake engine", defaults, List.of());
    }

    static FakeTask parse(ConfigFields f) {
        FakeTask t = new FakeTask(f.longValue("stepMillis", 0), f.intValue("failOnceAtStep", -1),
                f.intValue("evalPeakStep", 0), f.string("padding", ""),
                f.bool("noRewardSignal", false), f.longValue("seed", 0), f.longValue("openMillis", 0));
        f.rejectUnknown();
        return t;
    }

    @Override
    public String name() {
        return NAME;
    }
}
