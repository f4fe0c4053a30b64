package dev.forkpoint.rollout.task.countdown;

import dev.forkpoint.rollout.task.ConfigFields;
import dev.forkpoint.rollout.task.TaskConfig;

/**
 * Countdown: reach {@code target} with + - * / and parentheses, using each given number at most once.
 *
 * @param numbers   how many numbers a problem gives, 3 or 4 (default 3)
 * @param minNumber smallest given number, at least 1 (default 1)
 * @param maxNumber largest given number, at most 999 (default 10; small numbers keep it learnable for a
 *                  tiny character-level model)
 * @param minTarget smallest target (default 1)
 * @param maxTarget largest target (default 100)
 * @param seed      fixes both splits (default 0)
 * @param evalSize  number of held-out evaluation problems, disjoint from train (default 256)
 */
public record CountdownConfig(int numbers, int minNumber, int maxNumber, int minTarget, int maxTarget,
                              long seed, int evalSize) implements TaskConfig {

    public static final String NAME = "countdown";

    public CountdownConfig {
        if (numbers != 3 && numbers != 4) {
            throw ConfigFields.invalid("numbers", numbers, "must be 3 or 4");
        }
        if (minNumber < 1 || minNumber > 999) {
            throw ConfigFields.invalid("minNumber", minNumber, "must be in [1, 999]");
        }
        if (maxNumber < minNumber || maxNumber > 999) {
            throw ConfigFields.invalid("maxNumber", maxNumber, "must be in [minNumber = " + minNumber + ", 999]");
        }
        if (Math.abs((long) minTarget) > 1_000_000) {
            throw ConfigFields.invalid("minTarget", minTarget, "must be in [-1000000, 1000000]");
        }
        if (maxTarget < minTarget || maxTarget > 1_000_000) {
            throw ConfigFields.invalid("maxTarget", maxTarget, "must be in [minTarget = " + minTarget + ", 1000000]");
        }
        if (evalSize < 1 || evalSize > 100_000) {
            throw ConfigFields.invalid("evalSize", evalSize, "must be in [1, 100000]");
        }
    }

    public static CountdownConfig defaults() {
        return new CountdownConfig(3, 1, 10, 1, 100, 0L, 256);
    }

    public static CountdownConfig parse(ConfigFields f) {
        CountdownConfig d = defaults();
        int numbers = f.intValue("numbers", d.numbers());
        int minNumber = f.intValue("minNumber", d.minNumber());
        int maxNumber = f.intValue("maxNumber", d.maxNumber());
        int minTarget = f.intValue("minTarget", d.minTarget());
        int maxTarget = f.intValue("maxTarget", d.maxTarget());
        long seed = f.longValue("seed", d.seed());
        int evalSize = f.intValue("evalSize", d.evalSize());
        f.rejectUnknown();
        return new CountdownConfig(numbers, minNumber, maxNumber, minTarget, maxTarget, seed, evalSize);
    }

    @Override
    public String name() {
        return NAME;
    }
}
