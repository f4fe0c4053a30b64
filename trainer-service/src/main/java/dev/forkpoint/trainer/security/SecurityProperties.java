package dev.forkpoint.trainer.security;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code forkpoint.security.*}.
 *
 * @param token        the bearer token mutating requests must carry; when unset one is generated at first
 *                     start, stored in {@code <forkpoint.home>/api-token} (mode 0600) and logged once
 * @param protectReads whether GET requests under {@code /api/v1} need the token too (default false)
 */
@ConfigurationProperties("forkpoint.security")
public record SecurityProperties(String token, boolean protectReads) {
}
