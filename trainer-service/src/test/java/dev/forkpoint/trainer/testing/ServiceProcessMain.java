package dev.forkpoint.trainer.testing;

import dev.forkpoint.trainer.ForkpointApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** The service with the fake engine in a JVM of its own, so a test can kill it with SIGKILL. */
public final class ServiceProcessMain {
    private ServiceProcessMain() {
    }

    public static void main(String[] args) {
        new SpringApplicationBuilder(ForkpointApplication.class, FakeEngineConfiguration.class)
                .properties("forkpoint.engine=none").run(args);
    }
}
