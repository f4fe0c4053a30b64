package dev.forkpoint.rollout.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

    @Test
    void loadsALocalWordLevelFileAndRoundTrips(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, wordLevelJson(true));
        try (HuggingFaceTokenizerAdapter tok = HuggingFaceTokenizerAdapter.load(file,
                HuggingFaceTokenizerAdapter.SpecialIds.FROM_FILE)) {
            assertEquals(11, tok.vocabSize());
            assertEquals(0, tok.padId());
            assertEquals(1, tok.bosId());
            assertEquals(2, tok.eosId());
            assertArrayEquals(new int[] {4, 5, 6, 7, 8, 9, 10}, tok.encode("hello world 1 + 2 = 3"));
            assertEquals("hello world", tok.decode(new int[] {1, 4, 5, 2, 0}));
            assertArrayEquals(new int[] {3, 5}, tok.encode("goodbye world"), "unknown word -> <unk>");
            assertEquals("</s>", tok.tokenString(2));
            assertEquals("world", tok.tokenString(5));
            assertEquals("huggingface", tok.kind());
            assertEquals(wordLevelJson(true), new String(tok.jsonBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void configuredIdsWinAndMissingSpecialsAreNamed(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, wordLevelJson(false));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HuggingFaceTokenizerAdapter.load(file, HuggingFaceTokenizerAdapter.SpecialIds.FROM_FILE));
        assertTrue(e.getMessage().startsWith("tokenizer.padId: not configured and " + file), e.getMessage());
        try (HuggingFaceTokenizerAdapter tok = HuggingFaceTokenizerAdapter.load(file,
                new HuggingFaceTokenizerAdapter.SpecialIds(3, 0, 1))) {
            assertEquals(3, tok.padId());
            assertEquals(1, tok.eosId());
        }
        IllegalArgumentException out = assertThrows(IllegalArgumentException.class, () -> HuggingFaceTokenizerAdapter
                .load(file, new HuggingFaceTokenizerAdapter.SpecialIds(3, 0, 11)));
        assertTrue(out.getMessage().startsWith("tokenizer.eosId = 11: outside [0, 11)"), out.getMessage());
    }

    @Test
    void notATokenizerFileIsRejected(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, "{\"model\":{}}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HuggingFaceTokenizerAdapter.load(file, HuggingFaceTokenizerAdapter.SpecialIds.FROM_FILE));
        assertEquals(file + ": model.vocab is missing (not a tokenizer.json?)", e.getMessage());
    }
}
