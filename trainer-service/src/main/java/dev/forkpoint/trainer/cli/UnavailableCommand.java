package dev.forkpoint.trainer.cli;

import dev.forkpoint.learner.cli.Command;
import java.io.PrintStream;

/** A command this build cannot run; its help and any use say why. */
class UnavailableCommand implements Command {

    private final String name;
    private final String summary;
    private final String why;

    UnavailableCommand(String name, String summary, String why) {
        this.name = name;
        this.summary = summary;
        this.why = why;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String summary() {
        return summary;
    }

    @Override
    public String usage() {
        return "usage: forkpoint " + name + " ...\n\nNot available: " + why + ".\n";
    }

    @Override
    public int run(String[] args, PrintStream out, PrintStream err) {
        for (String a : args) {
            if (a.equals("--help") || a.equals("-h")) {
                out.print(usage());
                return EXIT_OK;
            }
        }
        err.println("error: forkpoint " + name + " is not available: " + why);
        return EXIT_USAGE;
    }
}
