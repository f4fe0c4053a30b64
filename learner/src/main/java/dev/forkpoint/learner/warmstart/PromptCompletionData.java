package dev.forkpoint.learner.warmstart;

import dev.forkpoint.rollout.chat.ChatMessage;
import dev.forkpoint.rollout.task.TaskConfigException;
import dev.forkpoint.rollout.task.jsonl.JsonlRecords;
import dev.forkpoint.rollout.tokenizer.Tokenizer;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A warm start's own supervised data: a JSONL file of prompt/completion pairs, TRL's prompt-completion format. Each
 * non-blank line is an object with
 *
 * <ul>
 *   <li>{@code prompt}: text (one user turn) or a conversation {@code [{"role", "content"}, ...]}, encoded exactly as
 *       a task's prompt is ({@link Tokenizer#encodePrompt}: the model's chat template with the generation prompt when
 *       it has one, plain text otherwise), so the warm start conditions on what the rollouts will see;</li>
 *   <li>{@code completion}: text, or a list of one assistant message, encoded without special tokens and followed by
 *       the tokenizer's eos; the loss is taken on it only.</li>
 * </ul>
 *
 * Other fields are ignored; the first bad line fails the file with its 1-based number.
 */
public final class PromptCompletionData {

    /** The config key a bad file is reported on. */
    public static final String KEY = "model.warmStart.data";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** One pair and the line it came from. */
    public record Pair(int line, List<ChatMessage> prompt, String completion) {

        /** The pair as a training sequence for {@code tokenizer}. */
        public SupervisedExample example(Tokenizer tokenizer) {
            return SupervisedExample.of(tokenizer.encodePrompt(prompt), tokenizer.encode(completion), tokenizer);
        }
    }

    private PromptCompletionData() {}

    public static List<Pair> read(Path path) {
        String where = KEY + " = \"" + path + "\"";
        if (!Files.exists(path)) {
            throw new TaskConfigException(KEY, where + ": file not found");
        }
        if (!Files.isRegularFile(path)) {
            throw new TaskConfigException(KEY, where + ": not a regular file");
        }
        List<Pair> pairs = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            int lineNo = 0;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lineNo++;
                if (!line.isBlank()) {
                    pairs.add(parse(where + " line " + lineNo, lineNo, line));
                }
            }
        } catch (CharacterCodingException e) {
            throw new TaskConfigException(KEY, where + ": not UTF-8 text", e);
        } catch (IOException e) {
            throw new TaskConfigException(KEY, where + ": cannot read: " + e.getMessage(), e);
        }
        if (pairs.isEmpty()) {
            throw new TaskConfigException(KEY, where + ": no records");
        }
        return List.copyOf(pairs);
    }

    private static Pair parse(String at, int lineNo, String line) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JacksonException e) {
            throw new TaskConfigException(KEY, at + ": invalid JSON: " + e.getOriginalMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new TaskConfigException(KEY, at + ": expected a JSON object");
        }
        JsonNode p = node.get("prompt");
        List<ChatMessage> prompt;
        if (p == null || p.isNull()) {
            throw new TaskConfigException(KEY, at + ": field \"prompt\" missing");
        } else if (p.isString()) {
            if (p.stringValue().isBlank()) {
                throw new TaskConfigException(KEY, at + ": field \"prompt\" is empty");
            }
            prompt = List.of(ChatMessage.user(p.stringValue()));
        } else if (p.isArray()) {
            prompt = JsonlRecords.messages(p, KEY, "prompt", at);
        } else {
            throw new TaskConfigException(KEY, at + ": field \"prompt\" must be a string or a list of messages, got "
                    + type(p));
        }
        JsonNode c = node.get("completion");
        String completion;
        if (c == null || c.isNull()) {
            throw new TaskConfigException(KEY, at + ": field \"completion\" missing");
        } else if (c.isString()) {
            completion = c.stringValue();
        } else if (c.isArray()) {
            List<ChatMessage> turns = JsonlRecords.messages(c, KEY, "completion", at);
            if (turns.size() != 1 || !turns.get(0).role().equals("assistant")) {
                throw new TaskConfigException(KEY, at + ": field \"completion\" as a list must hold exactly one "
                        + "{\"role\": \"assistant\", ...} message");
            }
            completion = turns.get(0).content();
        } else {
            throw new TaskConfigException(KEY, at + ": field \"completion\" must be a string or a list of one "
                    + "assistant message, got " + type(c));
        }
        if (completion.isEmpty()) {
            throw new TaskConfigException(KEY, at + ": field \"completion\" is empty");
        }
        return new Pair(lineNo, prompt, completion);
    }

    private static String type(JsonNode n) {
        return n.getNodeType().name().toLowerCase(Locale.ROOT);
    }
}
