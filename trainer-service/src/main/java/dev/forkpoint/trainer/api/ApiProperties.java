package dev.forkpoint.trainer.api;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code forkpoint.api.*}.
 *
 * @param maxRequestBytes largest accepted request body under {@code /api}; larger bodies get 413 (default 65536)
 * @param maxPageSize     largest {@code size} of a list page (default 200)
 */
@ConfigurationProperties("forkpoint.api")
public record ApiProperties(Long maxRequestBytes, Integer maxPageSize) {

    public ApiProperties {
        maxRequestBytes = maxRequestBytes == null ? 64 * 1024L : maxRequestBytes;
        maxPageSize = maxPageSize == null ? 200 : maxPageSize;
    }
}
