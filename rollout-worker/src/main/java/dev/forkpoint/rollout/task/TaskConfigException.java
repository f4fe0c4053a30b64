package dev.forkpoint.rollout.task;

/**
 * A task config or task data file that cannot be used. The message names the field ({@code task.numbers})
 * and, for data files, the line; {@link #field()} lets the service report the field in its problem+json.
 */
public class TaskConfigException extends IllegalArgumentException {

    private final String field;

    public TaskConfigException(String field, String message) {
        super(message);
        this.field = field;
    }

    public TaskConfigException(String field, String message, Throwable cause) {
        super(message, cause);
        this.field = field;
    }

    /** The offending config field, prefixed with "task." (e.g. "task.evalSize"). */
    public String field() {
        return field;
    }
}
