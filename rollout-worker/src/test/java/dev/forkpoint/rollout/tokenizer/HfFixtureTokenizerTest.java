package dev.forkpoint.rollout.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkpoint.rollout.chat.ChatMessage;
import dev.forkpoint.rollout.testing.HfModelFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One dynamic test per Hugging Face fixture folder, named after it: the folder has the layout the hub ships, and its
 * {@code tokenizer.json}, loaded offline through the HF tokenizers library, encodes the reference rendering of
 * {@code chat.json} (with {@code add_special_tokens=false}) to exactly the reference {@code input_ids}.
 */
class HfFixtureTokenizerTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TestFactory
    Stream<DynamicTest> everyFixtureTokenizesItsChatAsTheReference() {
        return HfModelFixtures.folders().stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(),
                dir.toUri(), () -> check(dir)));
    }

    private static void check(Path dir) throws Exception {
        for (String file : new String[] {"config.json", "generation_config.json", "tokenizer.json",
                "tokenizer_config.json", "chat.json"}) {
            assertTrue(Files.isRegularFile(dir.resolve(file)), dir + " lacks " + file);
        }
        if (Files.exists(dir.resolve("model.safetensors.index.json"))) {
            JsonNode map = JSON.readTree(dir.resolve("model.safetensors.index.json").toFile()).get("weight_map");
            map.valueStream().map(JsonNode::asString).distinct().forEach(shard ->
                    assertTrue(Files.isRegularFile(dir.resolve(shard)), dir + ": index names missing shard " + shard));
        } else {
            assertTrue(Files.isRegularFile(dir.resolve("model.safetensors")), dir + " lacks model.safetensors");
        }
        JsonNode chat = JSON.readTree(dir.resolve("chat.json").toFile());
        String rendered = chat.get("rendered").asString();
        int[] expected = JSON.convertValue(chat.get("input_ids"), int[].class);
        List<ChatMessage> messages = new ArrayList<>();
        chat.get("messages").forEach(m -> messages.add(new ChatMessage(m.get("role").asString(),
                m.get("content").asString())));
        @SuppressWarnings("unchecked")
        Map<String, Object> kwargs = chat.has("template_kwargs")
                ? JSON.convertValue(chat.get("template_kwargs"), Map.class) : Map.of();
        boolean generationPrompt = chat.path("add_generation_prompt").asBoolean(true);
        try (HuggingFaceTokenizerAdapter tok = HuggingFaceTokenizerAdapter.fromDirectory(dir)) {
            assertArrayEquals(expected, tok.encode(rendered), dir + ": input_ids of chat.json's rendering");
            assertEquals(rendered, tok.renderChat(messages, generationPrompt, kwargs), dir + ": rendering");
            if (generationPrompt && kwargs.isEmpty()) {
                assertArrayEquals(expected, tok.encodePrompt(messages), dir + ": encodePrompt of chat.json's messages");
            }
            JsonNode eos = JSON.readTree(dir.resolve("generation_config.json").toFile()).get("eos_token_id");
            List<Integer> stops = java.util.Arrays.stream(tok.stopIds()).boxed().toList();
            (eos.isArray() ? eos.valueStream() : Stream.of(eos)).forEach(id -> assertTrue(stops.contains(id.asInt()),
                    dir + ": generation_config eos_token_id " + id + " stops sampling; stop ids " + stops));
        }
    }
}
