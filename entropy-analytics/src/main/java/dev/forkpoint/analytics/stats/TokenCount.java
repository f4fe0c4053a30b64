package dev.forkpoint.analytics.stats;

/**
 * How often a token string occurred among the step's forking tokens (H >= p80).
 *
 * @param token the token's display string (ids decoding to the same string are merged)
 * @param count number of forking-token occurrences
 */
public record TokenCount(String token, long count) {
}
