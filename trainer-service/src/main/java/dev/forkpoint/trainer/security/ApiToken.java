package dev.forkpoint.trainer.security;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The API's bearer token: the configured one, else the one stored in {@code <home>/api-token}, else a new
 * random one written there with owner-only permissions and logged once (the only time it is printed).
 */
public final class ApiToken {

    private static final Logger log = LoggerFactory.getLogger(ApiToken.class);

    private final byte[] token;

    private ApiToken(String token) {
        this.token = token.getBytes(StandardCharsets.UTF_8);
    }

    public static ApiToken resolve(String configured, Path home) {
        if (configured != null && !configured.isBlank()) {
            return new ApiToken(configured.strip());
        }
        Path file = home.resolve("api-token");
        try {
            if (Files.exists(file)) {
                return new ApiToken(Files.readString(file).strip());
            }
            Files.createDirectories(home);
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            String generated = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException nonPosix) {
                Files.createFile(file);
            } catch (FileAlreadyExistsException raced) {
                return new ApiToken(Files.readString(file).strip());
            }
            Files.writeString(file, generated + "\n");
            log.warn("Generated API token (stored in {}, shown only this once): {}", file, generated);
            return new ApiToken(generated);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read or create the API token file " + file, e);
        }
    }

    /** Constant-time comparison, so response timing does not leak the token. */
    public boolean matches(String presented) {
        return presented != null && MessageDigest.isEqual(token, presented.getBytes(StandardCharsets.UTF_8));
    }
}
