package dev.forkpoint.analytics.store;

/**
 * Token strings as Postgres can store them: TEXT and JSONB reject the NUL character, which a byte-level tokenizer
 * can decode to, and one such token must not fail a whole step's write. NUL is shown as U+2400 (the visible
 * "symbol for null"); everything else is kept as is.
 */
final class TokenText {
    private TokenText() {
    }

    static String storable(String token) {
        return token.indexOf('\u0000') < 0 ? token : token.replace('\u0000', '\u2400');
    }
}
