package dev.forkpoint.rollout.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkpoint.rollout.chat.ChatMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class HuggingFaceTokenizerAdapterTest {

    /** A tiny WordLevel tokenizer.json written by the test itself: nothing is downloaded. */
    public static String wordLevelJson(boolean withSpecials) {
        String added = withSpecials ? """
                {"id":0,"content":"<pad>","single_word":false,"lstrip":false,"rstrip":false,"normalized":false,"special":true},
                {"id":1,"content":"<s>","single_word":false,"lstrip":false,"rstrip":false,"normalized":false,"special":true},
                {"id":2,"content":"</s>","single_word":false,"lstrip":false,"rstrip":false,"normalized":false,"special":true}
                """ : "";
        String specials = withSpecials ? "\"<pad>\":0,\"<s>\":1,\"</s>\":2," : "\"a\":0,\"b\":1,\"c\":2,";
        return """
                {"version":"1.0","truncation":null,"padding":null,
                 "added_tokens":[%s],
                 "normalizer":null,"pre_tokenizer":{"type":"Whitespace"},"post_processor":null,"decoder":null,
                 "model":{"type":"WordLevel","vocab":{%s"<unk>":3,"hello":4,"world":5,"1":6,"+":7,"2":8,"=":9,"3":10},
                          "unk_token":"<unk>"}}
                """.formatted(added, specials);
    }

    private static HuggingFaceTokenizerAdapter write(Path dir, String tokenizer, String tokenizerConfig,
                                                     String generationConfig) throws Exception {
        Files.writeString(dir.resolve("tokenizer.json"), tokenizer);
        if (tokenizerConfig != null) {
            Files.writeString(dir.resolve("tokenizer_config.json"), tokenizerConfig);
        }
        if (generationConfig != null) {
            Files.writeString(dir.resolve("generation_config.json"), generationConfig);
        }
        return HuggingFaceTokenizerAdapter.fromDirectory(dir);
    }

    @Test
    void aBareTokenizerJsonFindsItsSpecialsByTheUsualSpellings(@TempDir Path dir) throws Exception {
        try (HuggingFaceTokenizerAdapter tok = write(dir, wordLevelJson(true), null, null)) {
            assertEquals(11, tok.vocabSize());
            assertEquals(0, tok.padId());
            assertEquals(1, tok.bosId());
            assertEquals(2, tok.eosId());
            assertArrayEquals(new int[] {2}, tok.stopIds());
            assertArrayEquals(new int[] {4, 5, 6, 7, 8, 9, 10}, tok.encode("hello world 1 + 2 = 3"));
            assertEquals("hello world", tok.decode(new int[] {1, 4, 5, 2, 0}));
            assertArrayEquals(new int[] {3, 5}, tok.encode("goodbye world"), "unknown word -> <unk>");
            assertEquals("</s>", tok.tokenString(2));
            assertEquals("world", tok.tokenString(5));
            assertEquals("huggingface", tok.kind());
            assertFalse(tok.hasChatTemplate());
            assertEquals(wordLevelJson(true), tok.files().tokenizerJson());
        }
    }

    @Test
    void specialsComeFromTokenizerConfigAndEveryGenerationEosStops(@TempDir Path dir) throws Exception {
        try (HuggingFaceTokenizerAdapter tok = write(dir, wordLevelJson(true),
                "{\"eos_token\": \"</s>\", \"bos_token\": {\"content\": \"<s>\"}, \"pad_token\": null}",
                "{\"eos_token_id\": [2, 3], \"pad_token_id\": 0}")) {
            assertEquals(2, tok.eosId());
            assertArrayEquals(new int[] {2, 3}, tok.stopIds(), "eos first, then generation_config's others");
            assertEquals(1, tok.bosId());
            assertEquals(0, tok.padId(), "pad_token null: generation_config's pad_token_id");
        }
    }

    @Test
    void withoutAPadTokenPaddingIsEosAndWithoutBosThereIsNone(@TempDir Path dir) throws Exception {
        try (HuggingFaceTokenizerAdapter tok = write(dir, wordLevelJson(true), "{\"eos_token\": \"</s>\"}", null)) {
            assertEquals(2, tok.padId());
            assertEquals(-1, tok.bosId());
        }
    }

    @Test
    void aPlainModelEncodesOneUserTurnAndRefusesConversations(@TempDir Path dir) throws Exception {
        try (HuggingFaceTokenizerAdapter tok = write(dir, wordLevelJson(true), "{\"eos_token\": \"</s>\"}", null)) {
            assertArrayEquals(new int[] {4, 5}, tok.encodePrompt(List.of(ChatMessage.user("hello world"))));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tok.encodePrompt(
                    List.of(new ChatMessage("system", "hello"), ChatMessage.user("world"))));
            assertTrue(e.getMessage().contains("needs a model with a chat template"), e.getMessage());
        }
    }

    @Test
    void idsBeyondTheTokenizerDecodeToNothing(@TempDir Path dir) throws Exception {
        try (HuggingFaceTokenizerAdapter tok = write(dir, wordLevelJson(true), null, null)) {
            assertEquals("hello world", tok.decode(new int[] {4, 20, 5}), "id 20 is an embedding row without text");
            assertEquals("<id 20>", tok.tokenString(20));
        }
    }

    @Test
    void badSpecialTokensAreNamedWithTheirFile(@TempDir Path dir) throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> write(dir, wordLevelJson(true), "{\"eos_token\": \"<nope>\"}", null));
        assertEquals(dir + "/tokenizer_config.json: eos_token = \"<nope>\" is not a token of tokenizer.json",
                e.getMessage());
        Files.delete(dir.resolve("tokenizer_config.json"));
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> write(dir, wordLevelJson(false), null, null));
        assertTrue(none.getMessage().startsWith(dir + ": no end-of-sequence token"), none.getMessage());
        IllegalArgumentException ids = assertThrows(IllegalArgumentException.class,
                () -> write(dir, wordLevelJson(true), null, "{\"eos_token_id\": \"two\"}"));
        assertEquals(dir + "/generation_config.json: eos_token_id = \"two\": expected an id or a list of ids",
                ids.getMessage());
    }

    @Test
    void notATokenizerFileIsRejected(@TempDir Path dir) throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> write(dir, "{\"model\":{}}", null, null));
        assertEquals(dir + "/tokenizer.json: model.vocab is missing (not a tokenizer.json?)", e.getMessage());
        Files.delete(dir.resolve("tokenizer.json"));
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> HuggingFaceTokenizerAdapter.fromDirectory(dir));
        assertTrue(missing.getMessage().startsWith(dir + ": no tokenizer.json"), missing.getMessage());
    }
}
