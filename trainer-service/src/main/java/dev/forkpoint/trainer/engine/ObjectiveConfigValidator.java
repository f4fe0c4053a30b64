package dev.forkpoint.trainer.engine;

import dev.forkpoint.learner.config.ObjectiveConfigParser;
import dev.forkpoint.trainer.runs.FieldErrors;
import dev.forkpoint.trainer.runs.RunConfig;
import dev.forkpoint.trainer.runs.RunConfigValidator;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * Checks {@code objective} with the learner's {@link ObjectiveConfigParser}. Its messages start with the config
 * key ({@code "clip_high = -1: ..."}, {@code "hapo.pivot = 2: ..."}), which becomes the field
 * {@code objective.<key>}. An unknown or missing preset is left to the service's shape check, which already
 * reports {@code objective.preset}.
 */
@Component
@ConditionalOnProperty(prefix = "forkpoint", name = "engine", havingValue = "djl", matchIfMissing = true)
public class ObjectiveConfigValidator implements RunConfigValidator {

    @Override
    public void validate(RunConfig config, FieldErrors errors) {
        try {
            ObjectiveConfigParser.parse(config.objective());
        } catch (IllegalArgumentException e) {
            String key = key(e.getMessage());
            if (!key.equals("preset")) {
                errors.add("objective." + key, "objective." + e.getMessage());
            }
        }
    }

    /** The leading config key of a parser message: everything before the first space or colon. */
    static String key(String message) {
        if (message == null || message.isEmpty()) {
            return "objective";
        }
        int end = message.length();
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            if (c == ' ' || c == ':') {
                end = i;
                break;
            }
        }
        return message.substring(0, end);
    }
}
