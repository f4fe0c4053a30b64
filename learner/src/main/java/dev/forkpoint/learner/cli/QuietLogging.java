package dev.forkpoint.learner.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Without Spring Boot's logging set-up logback prints DEBUG from every library; the commands keep INFO. */
public final class QuietLogging {

    private QuietLogging() {
    }

    public static void apply() {
        Logger root = LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        if (root instanceof ch.qos.logback.classic.Logger logback) {
            logback.setLevel(ch.qos.logback.classic.Level.INFO);
            ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("ai.djl")).setLevel(ch.qos.logback.classic.Level.WARN);
        }
    }
}
