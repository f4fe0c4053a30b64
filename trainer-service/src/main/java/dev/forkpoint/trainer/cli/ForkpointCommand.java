package dev.forkpoint.trainer.cli;

import dev.forkpoint.learner.cli.Command;
import dev.forkpoint.learner.cli.ExportCommand;
import dev.forkpoint.rollout.logging.QuietLogging;
import dev.forkpoint.learner.cli.TrainCommand;
import dev.forkpoint.learner.cli.WarmStartCommand;
import dev.forkpoint.learner.cli.WorkerCommand;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code forkpoint} front door, the jar's main class: {@code serve} (also what no arguments mean),
 * {@code train}, {@code warm-start}, {@code export}, {@code worker} and {@code bench}, each with {@code --help}. The
 * {@code ./forkpoint} script at the repository root runs this jar (and puts the bench module's jar on the class
 * path for {@code bench}).
 */
public final class ForkpointCommand {

    /** The benchmarks live in the bench module, which the script adds to the class path (loader.path). */
    private static final String BENCH_CLASS = "dev.forkpoint.bench.BenchCommand";

    private ForkpointCommand() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("serve")) {
            ServeCommand.serve(args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length), System.out);
            return; // the service runs on its own threads
        }
        System.exit(run(args, System.out, System.err));
    }

    /** Runs a non-serve command line; returns the exit status. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        Map<String, Command> commands = commands();
        if (args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            out.print(usage(commands));
            return Command.EXIT_OK;
        }
        Command command = commands.get(args[0]);
        if (command == null) {
            err.println("error: unknown command '" + args[0] + "'");
            err.print(usage(commands));
            return Command.EXIT_USAGE;
        }
        QuietLogging.apply();
        try {
            return command.run(Arrays.copyOfRange(args, 1, args.length), out, err);
        } catch (Exception e) {
            err.println("error: forkpoint " + command.name() + " failed: " + e);
            e.printStackTrace(err);
            return Command.EXIT_FAILED;
        }
    }

    static Map<String, Command> commands() {
        Map<String, Command> commands = new LinkedHashMap<>();
        for (Command c : new Command[] {new ServeCommand(), new TrainCommand(), new WarmStartCommand(),
                new ExportCommand(), new WorkerCommand(), bench()}) {
            commands.put(c.name(), c);
        }
        return commands;
    }

    private static Command bench() {
        try {
            return (Command) Class.forName(BENCH_CLASS).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            return new UnavailableCommand("bench", "run a benchmark or probe (needs the bench module's jar)",
                    "the benchmarks are in the bench module, not on this class path: build it (mvn -B -q -DskipTests "
                            + "package) and run ./forkpoint bench, which adds bench/target/bench-*.jar");
        }
    }

    static String usage(Map<String, Command> commands) {
        StringBuilder b = new StringBuilder("""
                usage: forkpoint COMMAND [ARGS]      (no command: serve)
                       forkpoint COMMAND --help

                Forkpoint: RLVR training with entropy-aware objectives on the JVM.

                """);
        commands.values().forEach(c -> b.append(String.format("  %-12s %s%n", c.name(), c.summary())));
        b.append("\nDocumentation: README.md, docs/config-reference.md (every run config key).\n");
        return b.toString();
    }
}
