package dev.forkpoint.learner.cli;

import java.io.PrintStream;

/**
 * A subcommand of the {@code forkpoint} front door ({@code train}, {@code warm-start}, {@code bench}, ...). Each
 * prints its own usage for {@code --help}; exit status 0 is success, 2 a bad command line or config, 1 a failure
 * while it ran.
 */
public interface Command {

    int EXIT_OK = 0;
    int EXIT_FAILED = 1;
    int EXIT_USAGE = 2;

    /** The word after {@code forkpoint}. */
    String name();

    /** One line for {@code forkpoint --help}. */
    String summary();

    /** The full help text: usage line, arguments and flags. */
    String usage();

    /** Runs with the arguments after the command's name; returns the exit status. */
    int run(String[] args, PrintStream out, PrintStream err) throws Exception;
}
