package dev.forkpoint.rollout.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.forkpoint.rollout.testing.HfModelFixtures;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One dynamic test per Hugging Face fixture folder, named after it: its tokenizer_config.json chat_template, given
 * chat.json's messages and template kwargs and the tokenizer's special tokens, renders exactly chat.json's
 * {@code rendered} (with the generation prompt) and {@code rendered_without_generation_prompt}.
 */
class ChatTemplateFixtureTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TestFactory
    Stream<DynamicTest> everyFixturesTemplateRendersAsTransformers() {
        return HfModelFixtures.folders().stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(),
                dir.toUri(), () -> check(dir)));
    }

    @SuppressWarnings("unchecked")
    private static void check(Path dir) throws Exception {
        JsonNode tokenizer = JSON.readTree(dir.resolve("tokenizer_config.json").toFile());
        JsonNode chat = JSON.readTree(dir.resolve("chat.json").toFile());
        ChatTemplate template = ChatTemplate.parse(tokenizer.get("chat_template").asString());
        Map<String, Object> vars = new LinkedHashMap<>();
        for (String special : new String[] {"bos_token", "eos_token", "pad_token", "unk_token"}) {
            JsonNode t = tokenizer.get(special);
            if (t != null && !t.isNull()) {
                vars.put(special, t.isString() ? t.asString() : t.path("content").asString());
            }
        }
        vars.put("messages", JSON.convertValue(chat.get("messages"), java.util.List.class));
        if (chat.has("template_kwargs")) {
            vars.putAll(JSON.convertValue(chat.get("template_kwargs"), Map.class));
        }
        vars.put("add_generation_prompt", true);
        assertEquals(chat.get("rendered").asString(), template.render(vars), dir.getFileName() + ": rendered");
        vars.put("add_generation_prompt", false);
        assertEquals(chat.get("rendered_without_generation_prompt").asString(), template.render(vars),
                dir.getFileName() + ": rendered_without_generation_prompt");
    }
}
