package dev.forkpoint.trainer;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The trainer service: REST API, persisted run queue and scheduler, checkpoints, metrics. With no
 * {@code spring.datasource.url} it brings its own PostgreSQL under {@code forkpoint.home}.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class ForkpointApplication {
    public static void main(String[] args) {
        SpringApplication.run(ForkpointApplication.class, args);
    }
}
