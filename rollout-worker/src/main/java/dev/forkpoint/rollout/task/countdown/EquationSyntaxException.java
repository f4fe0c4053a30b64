package dev.forkpoint.rollout.task.countdown;

/** A response that is not a well-formed equation; the message becomes the verdict's reason. */
public class EquationSyntaxException extends Exception {

    public EquationSyntaxException(String message) {
        super(message);
    }
}
