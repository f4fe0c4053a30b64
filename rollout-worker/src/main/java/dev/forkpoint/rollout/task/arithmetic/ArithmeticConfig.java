package dev.forkpoint.rollout.task.arithmetic;

import dev.forkpoint.rollout.task.ConfigFields;
import dev.forkpoint.rollout.task.TaskConfig;
import java.util.List;

/**
 * Multi-digit arithmetic with worked, column-wise solutions.
 *
 * @param operations which of "add", "sub", "mul" problems are drawn from, uniformly (default all three)
 * @param minDigits  fewest digits of an operand, at least 1 (default 2)
 * @param maxDigits  most digits of an operand, at most 9 so products fit in a long (default 3)
 * @param seed       fixes both splits (default 0)
 * @param evalSize   number of held-out evaluation problems, disjoint from train (default 256)
 */
public record ArithmeticConfig(List<String> operations, int minDigits, int maxDigits, long seed, int evalSize)
        implements TaskConfig {

    public static final String NAME = "arithmetic";
    public static final List<String> OPERATIONS = List.of("add", "sub", "mul");

    public ArithmeticConfig {
        operations = List.copyOf(operations);
        if (operations.isEmpty() || !OPERATIONS.containsAll(operations)) {
            throw ConfigFields.invalid("operations", operations, "must be a non-empty subset of " + OPERATIONS);
        }
        if (minDigits < 1 || minDigits > 9) {
            throw ConfigFields.invalid("minDigits", minDigits, "must be in [1, 9]");
        }
        if (maxDigits < minDigits || maxDigits > 9) {
            throw ConfigFields.invalid("maxDigits", maxDigits, "must be in [minDigits = " + minDigits + ", 9]");
        }
        if (evalSize < 1 || evalSize > 100_000) {
            throw ConfigFields.invalid("evalSize", evalSize, "must be in [1, 100000]");
        }
    }

    public static ArithmeticConfig defaults() {
        return new ArithmeticConfig(OPERATIONS, 2, 3, 0L, 256);
    }

    public static ArithmeticConfig parse(ConfigFields f) {
        ArithmeticConfig d = defaults();
        List<String> operations = f.stringSet("operations", d.operations(), OPERATIONS);
        int minDigits = f.intValue("minDigits", d.minDigits());
        int maxDigits = f.intValue("maxDigits", d.maxDigits());
        long seed = f.longValue("seed", d.seed());
        int evalSize = f.intValue("evalSize", d.evalSize());
        f.rejectUnknown();
        return new ArithmeticConfig(operations, minDigits, maxDigits, seed, evalSize);
    }

    @Override
    public String name() {
        return NAME;
    }
}
