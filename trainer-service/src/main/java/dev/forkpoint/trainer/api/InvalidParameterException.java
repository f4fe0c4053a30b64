package dev.forkpoint.trainer.api;

/** A query parameter out of bounds; names the parameter. */
class InvalidParameterException extends RuntimeException {

    private final String field;

    InvalidParameterException(String field, String message) {
        super(message);
        this.field = field;
    }

    String field() {
        return field;
    }
}
