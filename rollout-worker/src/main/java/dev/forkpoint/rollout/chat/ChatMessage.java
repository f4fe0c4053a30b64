package dev.forkpoint.rollout.chat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One turn of a conversation as chat templates see it: {@code {"role": ..., "content": ...}}.
 *
 * @param role    "system", "user", "assistant" or another role the template knows
 * @param content the turn's text
 */
public record ChatMessage(String role, String content) {

    public ChatMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
    }

    public static ChatMessage user(String content) {
        return new ChatMessage("user", content);
    }

    /** The messages as the list of dicts a template iterates over. */
    public static List<Map<String, Object>> asTemplateValue(List<ChatMessage> messages) {
        return messages.stream().map(m -> {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("role", m.role());
            d.put("content", m.content());
            return d;
        }).toList();
    }

    /**
     * The text of a prompt for a model without a chat template: it must be a single user turn, since there is no
     * agreed way to write a conversation as plain text.
     */
    public static String plainText(List<ChatMessage> messages) {
        if (messages.size() != 1 || !messages.get(0).role().equals("user")) {
            throw new IllegalArgumentException("a prompt of " + messages.size() + " message(s) with roles "
                    + messages.stream().map(ChatMessage::role).toList() + " needs a model with a chat template; "
                    + "this model encodes plain text, so give the task a single user prompt");
        }
        return messages.get(0).content();
    }
}
