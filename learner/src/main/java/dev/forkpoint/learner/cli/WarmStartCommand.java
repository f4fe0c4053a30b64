package dev.forkpoint.rollout.warmstart;

import ai.djl.Device;
import dev.forkpoint.rollout.device.DeviceSelection;
import dev.forkpoint.rollout.policy.ModelConfig;
import dev.forkpoint.rollout.task.TaskConfig;
import dev.forkpoint.rollout.task.Tasks;
import dev.forkpoint.rollout.tokenizer.BuiltinTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Command line of the warm start: trains the built-in policy on a task's worked solutions and writes a base
 * checkpoint (docs/warm-start.md). Flags, all {@code --name value}:
 * <pre>
 *   --out PATH             checkpoint to write (required)
 *   --task NAME            task (default countdown); any other --key value is a task config field,
 *                          e.g. --numbers 3 --maxNumber 10 --maxTarget 100 --seed-task 0 (task seed)
 *   --steps N --batch B --lr X --warmup N --weight-decay X --grad-clip X --seed N
 *   --minutes M            wall-clock budget (0 = none)
 *   --eval-every N --eval-limit N --max-new-tokens N --train-pool N
 *   --layers N --d-model N --heads N --context N --mlp-ratio N   (default: the reference model, context 64)
 *   --device auto|cpu|gpu
 *   --threads N            PyTorch intra-op threads (default: the engine's, one per core). On a machine whose
 *                          cores are busy with other work use 1: with 2 threads libtorch's OpenMP workers spin
 *                          on each other and a step was measured 10-15x slower (docs/warm-start.md)
 * </pre>
 */
public final class WarmStartMain {

    private WarmStartMain() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> flags = parse(args);
        String out = flags.remove("out");
        if (out == null) {
            throw new IllegalArgumentException("--out: required (path of the checkpoint to write)");
        }
        Map<String, Object> taskMap = new LinkedHashMap<>();
        taskMap.put("name", flags.getOrDefault("task", "countdown"));
        flags.remove("task");
        String taskSeed = flags.remove("seed-task");
        if (taskSeed != null) {
            taskMap.put("seed", Long.parseLong(taskSeed));
        }
        BuiltinTokenizer tokenizer = new BuiltinTokenizer();
        ModelConfig model = new ModelConfig(tokenizer.vocabSize(), intFlag(flags, "layers", 4), intFlag(flags, "heads", 4),
                intFlag(flags, "d-model", 128), intFlag(flags, "context", 64), intFlag(flags, "mlp-ratio", 4));
        String device = flags.getOrDefault("device", "cpu");
        flags.remove("device");
        String threads = flags.remove("threads");
        if (threads != null) {
            // Read by the PyTorch engine when it starts, which happens below (DeviceSelection): set it first.
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(Integer.parseInt(threads)));
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
        Map<String, String> recipeFlags = new LinkedHashMap<>();
        for (String k : new String[] {"steps", "batch", "lr", "warmup", "weight-decay", "grad-clip", "seed", "minutes",
                "eval-every", "eval-limit", "max-new-tokens", "train-pool"}) {
            if (flags.containsKey(k)) {
                recipeFlags.put(k, flags.remove(k));
            }
        }
        // What is left belongs to the task config; Tasks.parse rejects unknown keys by name.
        flags.forEach((k, v) -> taskMap.put(k, value(v)));
        TaskConfig task = Tasks.parse(taskMap);
        WarmStartConfig d = WarmStartConfig.defaults(task, model);
        WarmStartConfig config = new WarmStartConfig(task, model,
                longFlag(recipeFlags, "seed", d.seed()), intFlag(recipeFlags, "steps", d.steps()),
                intFlag(recipeFlags, "batch", d.batchSize()), doubleFlag(recipeFlags, "lr", d.learningRate()),
                intFlag(recipeFlags, "warmup", d.warmupSteps()),
                doubleFlag(recipeFlags, "weight-decay", d.weightDecay()),
                doubleFlag(recipeFlags, "grad-clip", d.maxGradNorm()),
                intFlag(recipeFlags, "eval-every", d.evalEvery()), intFlag(recipeFlags, "eval-limit", d.evalLimit()),
                intFlag(recipeFlags, "max-new-tokens", d.maxNewTokens()),
                longFlag(recipeFlags, "train-pool", d.trainPool()), doubleFlag(recipeFlags, "minutes", d.minutes()));

        Device dev = DeviceSelection.resolve(device);
        System.out.println("warm start: " + config);
        System.out.println("device " + dev + ", " + Runtime.getRuntime().availableProcessors() + " cores, torch threads "
                + ai.djl.pytorch.jni.JniUtils.getNumThreads());
        WarmStart warmStart = new WarmStart(config, tokenizer);
        Path path = Path.of(out);
        WarmStartResult result = warmStart.run(dev, path, p -> {
            System.out.println(p.line());
            p.evalSamples().forEach(s -> System.out.println("    " + s));
        });
        System.out.printf(Locale.ROOT, "done: %d steps%s, eval accuracy %.3f, train %.1f s, total %.1f s"
                        + " (%.2f min), %.0f tokens/s, %d updates skipped (non-finite)%n", result.steps(),
                result.stoppedByBudget() ? " (time budget reached)" : "", result.evalAccuracy(), result.trainSeconds(),
                result.totalSeconds(), result.totalSeconds() / 60, result.tokensPerSecond(), result.skippedSteps());
        StringBuilder curve = new StringBuilder("accuracy curve:");
        result.accuracyCurve().forEach(pt -> curve.append(String.format(Locale.ROOT, " %d:%.3f", pt.step(), pt.accuracy())));
        System.out.println(curve);
        System.out.println("checkpoint " + path.toAbsolutePath() + " (" + Files.size(path) + " bytes)");
    }

    static Map<String, String> parse(String[] args) {
        Map<String, String> flags = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || args[i].length() < 3) {
                throw new IllegalArgumentException("argument " + (i + 1) + " '" + args[i] + "': expected --name value");
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(args[i] + ": missing value");
            }
            if (flags.put(args[i].substring(2), args[i + 1]) != null) {
                throw new IllegalArgumentException(args[i] + ": given twice");
            }
        }
        return flags;
    }

    private static Object value(String v) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            return v;
        }
    }

    private static int intFlag(Map<String, String> f, String name, int d) {
        return flag(f, name, d, Integer::parseInt, "an integer");
    }

    private static long longFlag(Map<String, String> f, String name, long d) {
        return flag(f, name, d, Long::parseLong, "an integer");
    }

    private static double doubleFlag(Map<String, String> f, String name, double d) {
        return flag(f, name, d, Double::parseDouble, "a number");
    }

    /** Removes flag {@code name} and parses it; absent gives {@code d}, unparsable an error naming the flag. */
    private static <T> T flag(Map<String, String> f, String name, T d, Function<String, T> parse, String kind) {
        String v = f.remove(name);
        try {
            return v == null ? d : parse.apply(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " = '" + v + "': must be " + kind, e);
        }
    }
}
