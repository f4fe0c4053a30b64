package dev.forkpoint.trainer.security;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApiTokenTest {

    @Test
    void generatedOnceStoredOwnerOnlyPrintedOnlyAtFirstStart(@TempDir Path home) throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(ApiToken.class);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        logger.addAppender(logs);
        try {
            ApiToken first = ApiToken.resolve(null, home);
            Path file = home.resolve("api-token");
            String stored = Files.readString(file).strip();
            assertTrue(stored.length() >= 40, stored);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            assertTrue(first.matches(stored));
            assertFalse(first.matches(stored + "x"));
            assertFalse(first.matches(null));
            assertEquals(1, logs.list.size());
            assertTrue(logs.list.get(0).getFormattedMessage().contains(stored));

            ApiToken second = ApiToken.resolve(null, home);
            assertTrue(second.matches(stored), "a restart reuses the stored token");
            assertEquals(1, logs.list.size(), "the token is printed only at the start that generated it");
        } finally {
            logger.detachAppender(logs);
        }
    }

    @Test
    void aConfiguredTokenWinsAndNothingIsWritten(@TempDir Path home) {
        ApiToken token = ApiToken.resolve("configured-secret", home);
        assertTrue(token.matches("configured-secret"));
        assertFalse(Files.exists(home.resolve("api-token")));
    }
}
