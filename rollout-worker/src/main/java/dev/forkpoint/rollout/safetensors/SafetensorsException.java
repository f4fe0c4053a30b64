package dev.forkpoint.rollout.safetensors;

/** A safetensors file or model directory that cannot be used; the message names the file and what is wrong. */
public class SafetensorsException extends IllegalArgumentException {

    public SafetensorsException(String message) {
        super(message);
    }

    public SafetensorsException(String message, Throwable cause) {
        super(message, cause);
    }
}
