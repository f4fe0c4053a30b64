package dev.forkpoint.trainer.api;

import java.io.IOException;

/** A request body passed {@code forkpoint.api.max-request-bytes} while it was being read. */
class PayloadTooLargeException extends IOException {
    PayloadTooLargeException(long limit) {
        super("request body larger than " + limit + " bytes (forkpoint.api.max-request-bytes)");
    }
}
