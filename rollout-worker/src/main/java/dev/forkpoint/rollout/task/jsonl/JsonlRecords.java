package dev.forkpoint.rollout.task.jsonl;

import dev.forkpoint.rollout.chat.ChatMessage;
import dev.forkpoint.rollout.task.TaskConfigException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads and validates a JSONL task file. Blank lines are skipped; every other line must be a JSON object with
 * either a non-empty string {@code prompt} or a conversation {@code messages} (a non-empty list of
 * {@code {"role": ..., "content": ...}} strings, as TRL's conversational datasets have it), and a one-line
 * {@code answer} that is a non-empty string or a number. Other fields are ignored. The first bad line fails the whole
 * file with its 1-based line number.
 */
public final class JsonlRecords {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    /**
     * One valid record and the line it came from.
     *
     * @param prompt   the prompt text; for a conversation, its last user turn (for logs)
     * @param messages the conversation, or null for a record with a plain prompt
     */
    public record JsonlRecord(int line, String prompt, String answer, List<ChatMessage> messages) {

        /** What identical prompts share: the text, or the whole conversation. */
        public String promptKey() {
            return messages == null ? prompt : messages.toString();
        }
    }

    private JsonlRecords() {
    }

    public static List<JsonlRecord> read(Path path) {
        String where = "task.path = \"" + path + "\"";
        if (!Files.exists(path)) {
            throw new TaskConfigException("task.path", where + ": file not found");
        }
        if (!Files.isRegularFile(path)) {
            throw new TaskConfigException("task.path", where + ": not a regular file");
        }
        List<JsonlRecord> records = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            int lineNo = 0;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lineNo++;
                if (!line.isBlank()) {
                    records.add(parse(where, lineNo, line));
                }
            }
        } catch (CharacterCodingException e) {
            throw new TaskConfigException("task.path", where + ": not UTF-8 text", e);
        } catch (IOException e) {
            throw new TaskConfigException("task.path", where + ": cannot read: " + e.getMessage(), e);
        }
        if (records.isEmpty()) {
            throw new TaskConfigException("task.path", where + ": no records");
        }
        return records;
    }

    private static JsonlRecord parse(String where, int lineNo, String line) {
        String at = where + " line " + lineNo;
        JsonNode node;
        try {
            node = MAPPER.readTree(line);
        } catch (JacksonException e) {
            throw new TaskConfigException("task.path", at + ": invalid JSON: " + e.getOriginalMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new TaskConfigException("task.path", at + ": expected a JSON object");
        }
        JsonNode prompt = node.get("prompt");
        JsonNode messagesNode = node.get("messages");
        boolean hasPrompt = prompt != null && !prompt.isNull();
        boolean hasMessages = messagesNode != null && !messagesNode.isNull();
        if (hasPrompt && hasMessages) {
            throw new TaskConfigException("task.path", at + ": give \"prompt\" or \"messages\", not both");
        }
        List<ChatMessage> messages = null;
        String promptText;
        if (hasMessages) {
            messages = messages(messagesNode, at);
            promptText = messages.stream().filter(m -> m.role().equals("user")).reduce((a, b) -> b)
                    .orElse(messages.get(messages.size() - 1)).content();
        } else {
            if (!hasPrompt) {
                throw new TaskConfigException("task.path", at + ": field \"prompt\" (or \"messages\") missing");
            }
            if (!prompt.isString()) {
                throw new TaskConfigException("task.path", at + ": field \"prompt\" must be a string, got "
                        + prompt.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
            }
            if (prompt.stringValue().isBlank()) {
                throw new TaskConfigException("task.path", at + ": field \"prompt\" is empty");
            }
            promptText = prompt.stringValue();
        }
        JsonNode answer = node.get("answer");
        if (answer == null || answer.isNull()) {
            throw new TaskConfigException("task.path", at + ": field \"answer\" missing");
        }
        String answerText;
        if (answer.isString()) {
            answerText = answer.stringValue().strip();
        } else if (answer.isNumber()) {
            answerText = answer.isIntegralNumber() ? answer.bigIntegerValue().toString()
                    : answer.decimalValue().toPlainString();
        } else {
            throw new TaskConfigException("task.path", at + ": field \"answer\" must be a string or a number, got "
                    + answer.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
        }
        if (answerText.isEmpty()) {
            throw new TaskConfigException("task.path", at + ": field \"answer\" is empty");
        }
        if (answerText.indexOf('\n') >= 0 || answerText.indexOf('\r') >= 0) {
            throw new TaskConfigException("task.path", at + ": field \"answer\" must be one line");
        }
        return new JsonlRecord(lineNo, promptText, answerText, messages);
    }

    private static List<ChatMessage> messages(JsonNode node, String at) {
        return messages(node, "task.path", "messages", at);
    }

    /**
     * A conversation {@code [{"role": ..., "content": ...}, ...]} from {@code node}, the JSON field {@code name} of the
     * record at {@code at}; a bad one is a {@link TaskConfigException} on config key {@code key}.
     */
    public static List<ChatMessage> messages(JsonNode node, String key, String name, String at) {
        if (!node.isArray() || node.isEmpty()) {
            throw new TaskConfigException(key, at + ": field \"" + name + "\" must be a non-empty list of "
                    + "{\"role\": ..., \"content\": ...}");
        }
        List<ChatMessage> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode m = node.get(i);
            JsonNode role = m.get("role");
            JsonNode content = m.get("content");
            if (!m.isObject() || role == null || !role.isString() || role.stringValue().isBlank()
                    || content == null || !content.isString()) {
                throw new TaskConfigException(key, at + ": " + name + "[" + i + "] must be {\"role\": string, "
                        + "\"content\": string}");
            }
            out.add(new ChatMessage(role.stringValue(), content.stringValue()));
        }
        return List.copyOf(out);
    }
}
