package dev.forkpoint.trainer.cli;

import dev.forkpoint.learner.cli.Command;
import dev.forkpoint.trainer.ForkpointApplication;
import java.io.PrintStream;
import java.util.Arrays;
import org.springframework.boot.SpringApplication;

/** {@code forkpoint serve}: the service (REST API, scheduler, embedded PostgreSQL unless a database is configured). */
final class ServeCommand implements Command {

    static final String USAGE = """
            usage: forkpoint serve [--PROPERTY=VALUE]...

            Starts the trainer service on port 8080 (--server.port=N): REST API under /api/v1, OpenAPI at
            /v3/api-docs, metrics at /actuator/prometheus. With no spring.datasource.url it runs its own
            PostgreSQL under forkpoint.home (default ~/.forkpoint), and at a first start with an empty database it
            submits the demo run (--forkpoint.demo.enabled=false turns that off). Every setting of README's table
            can be given as --name=value, e.g. --forkpoint.home=/tmp/fp --forkpoint.scheduler.concurrency=2.
            """;

    @Override
    public String name() {
        return "serve";
    }

    @Override
    public String summary() {
        return "run the service: REST API, run queue and scheduler, embedded PostgreSQL, demo run";
    }

    @Override
    public String usage() {
        return USAGE;
    }

    @Override
    public int run(String[] args, PrintStream out, PrintStream err) {
        serve(args, out);
        return EXIT_OK;
    }

    /** Starts the service unless {@code --help} was asked; true when it started. */
    static boolean serve(String[] args, PrintStream out) {
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            out.print(USAGE);
            return false;
        }
        SpringApplication app = new SpringApplication(ForkpointApplication.class);
        app.setMainApplicationClass(ForkpointApplication.class); // the log says "Started ForkpointApplication"
        app.run(args);
        return true;
    }
}
