package dev.forkpoint.trainer.engine;

import dev.forkpoint.rollout.task.TaskConfigException;
import dev.forkpoint.rollout.task.Tasks;
import dev.forkpoint.trainer.runs.FieldErrors;
import dev.forkpoint.trainer.runs.RunConfig;
import dev.forkpoint.trainer.runs.RunConfigValidator;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/** Checks {@code task} with the task registry; errors name {@code task.<key>} ({@link TaskConfigException#field()}). */
@Component
@ConditionalOnProperty(prefix = "forkpoint", name = "engine", havingValue = "djl", matchIfMissing = true)
public class TaskConfigValidator implements RunConfigValidator {

    @Override
    public void validate(RunConfig config, FieldErrors errors) {
        if (!config.task().path("name").isString()) {
            return; // reported as task.name by the service's own shape check
        }
        try {
            Tasks.parse(config.task());
        } catch (TaskConfigException e) {
            errors.add(e.field(), e.getMessage());
        }
    }
}
