package dev.forkpoint.trainer;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class ForkpointApplication {
    public static void main(String[] args) {
        SpringApplication.run(ForkpointApplication.class, args);
    }
}
