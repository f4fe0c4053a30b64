package dev.forkpoint.learner.cli;

import dev.forkpoint.learner.run.RlRun;
import dev.forkpoint.learner.run.RlStep;
import dev.forkpoint.trainer.runs.RunConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains one run from a YAML or JSON run config without the web server or a database (plain main, no Spring):
 * prints one progress line per step (see {@link ProgressLine}). Usage:
 *
 * <pre>
 * HeadlessRun run.yaml [--checkpoint-dir DIR] [--resume FILE]
 * </pre>
 *
 * With {@code --checkpoint-dir}, a checkpoint {@code step-NNNNNN.fpckpt} is written every
 * {@code training.checkpointEvery} steps and at the end; {@code --resume} continues from one (same config).
 * Exit status 0 when the run finished, 2 for a bad config or arguments, 1 for a failure during training.
 */
public final class HeadlessRun {

    private HeadlessRun() {
    }

    public static void main(String[] args) throws Exception {
        quietLogging();
        Path configFile = null;
        Path checkpointDir = null;
        Path resume = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--checkpoint-dir" -> checkpointDir = Path.of(value(args, ++i, "--checkpoint-dir"));
                case "--resume" -> resume = Path.of(value(args, ++i, "--resume"));
                case "-h", "--help" -> {
                    System.out.println("usage: HeadlessRun RUN_CONFIG.yaml|json [--checkpoint-dir DIR] [--resume FILE]");
                    return;
                }
                default -> {
                    if (configFile != null || args[i].startsWith("--")) {
                        fail("unexpected argument '" + args[i] + "'");
                    }
                    configFile = Path.of(args[i]);
                }
            }
        }
        if (configFile == null) {
            fail("missing the run config file (YAML or JSON)");
        }
        RunConfig config;
        try {
            config = RunConfigFiles.read(configFile);
        } catch (RuntimeException e) {
            fail(e.getMessage());
            return;
        }
        int exit = train(config, checkpointDir, resume);
        System.exit(exit);
    }

    static int train(RunConfig config, Path checkpointDir, Path resume) throws Exception {
        int total = config.training().steps();
        try (RlRun run = resume == null ? RlRun.open(config) : RlRun.resume(config, resume)) {
            System.out.printf(Locale.ROOT, "run '%s' on %s: %s, %d steps%n", config.name(), run.device(),
                    config.objective(), total);
            // Entropy analytics need the service's database (run.observe is not called here), so say so.
            System.out.println("entropy analytics: off (a headless run has no database; train through the service"
                    + " to store them)");
            if (resume == null && config.training().evalEvery() > 0) {
                System.out.printf(Locale.ROOT, "step 0/%d eval_accuracy %.4f%n", total, run.evaluate().accuracy());
            }
            long start = System.nanoTime();
            int done = 0;
            while (!run.finished()) {
                RlStep s = run.step();
                done++;
                long elapsed = System.nanoTime() - start;
                Duration eta = Duration.ofNanos(elapsed / done * (total - s.step()));
                System.out.println(ProgressLine.format(s, total, eta));
                if (checkpointDir != null && (s.step() % config.training().checkpointEvery() == 0 || run.finished())) {
                    Files.createDirectories(checkpointDir);
                    Path file = checkpointDir.resolve(String.format(Locale.ROOT, "step-%06d.fpckpt", s.step()));
                    run.checkpoint(file);
                    System.out.println("checkpoint " + file);
                }
            }
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        return 0;
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            fail(flag + " needs a value");
        }
        return args[i];
    }

    private static void fail(String message) {
        System.err.println("error: " + message);
        System.err.println("usage: HeadlessRun RUN_CONFIG.yaml|json [--checkpoint-dir DIR] [--resume FILE]");
        System.exit(2);
    }

    /** Without Spring Boot's logging set-up logback prints DEBUG from every library; keep INFO. */
    public static void quietLogging() {
        Logger root = LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        if (root instanceof ch.qos.logback.classic.Logger logback) {
            logback.setLevel(ch.qos.logback.classic.Level.INFO);
        }
    }
}
