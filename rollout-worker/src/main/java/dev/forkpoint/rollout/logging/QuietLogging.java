package dev.forkpoint.rollout.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import org.slf4j.LoggerFactory;

/**
 * The commands' logging: without Spring Boot's set-up logback prints DEBUG from every library in a long format.
 * Commands log INFO (libraries WARN) to stderr as short {@code time level logger - message} lines, so that stdout
 * keeps only what the command prints (progress lines, a printed config).
 */
public final class QuietLogging {

    private QuietLogging() {
    }

    public static void apply() {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        context.reset();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{HH:mm:ss} %-5level %logger{0} - %msg%n");
        encoder.start();
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setTarget("System.err");
        console.setEncoder(encoder);
        console.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(console);
        for (String library : new String[] {"ai.djl", "org.flywaydb", "io.zonky", "com.zaxxer", "org.testcontainers", "com.hazelcast"}) {
            context.getLogger(library).setLevel(Level.WARN);
        }
    }
}
