package dev.forkpoint.rollout.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class BuiltinTokenizerTest {

    final BuiltinTokenizer tok = new BuiltinTokenizer();

    @Test
    void layoutIsSpecialsThenNewlineThenPrintableAscii() {
        assertEquals(99, tok.vocabSize());
        assertEquals(0, tok.padId());
        assertEquals(1, tok.bosId());
        assertEquals(2, tok.eosId());
        assertArrayEquals(new int[] {3, 4, 4 + ('A' - 32), 98}, tok.encode("\n A~"));
        assertEquals("<eos>", tok.tokenString(2));
        assertEquals("\\n", tok.tokenString(3));
        assertEquals("=", tok.tokenString(tok.encode("=")[0]));
    }

    @Test
    void roundTripsEveryCharacterAndDropsSpecialsOnDecode() {
        StringBuilder all = new StringBuilder("\n");
        for (char c = 32; c <= 126; c++) {
            all.append(c);
        }
        String text = all.toString();
        int[] ids = tok.encode(text);
        assertEquals(text, tok.decode(ids));
        int[] withSpecials = new int[ids.length + 3];
        withSpecials[0] = tok.bosId();
        System.arraycopy(ids, 0, withSpecials, 1, ids.length);
        withSpecials[ids.length + 1] = tok.eosId();
        withSpecials[ids.length + 2] = tok.padId();
        assertEquals(text, tok.decode(withSpecials));
    }

    @Test
    void unknownCharacterIsNamedWithItsPosition() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tok.encode("3 × 4"));
        assertEquals("builtin tokenizer: character '×' (U+00D7) at position 2 is not in the vocabulary"
                + " (newline and printable ASCII 32..126 only)", e.getMessage());
        IllegalArgumentException tab = assertThrows(IllegalArgumentException.class, () -> tok.encode("a\tb"));
        assertEquals("builtin tokenizer: character '\\u0009' (U+0009) at position 1 is not in the vocabulary"
                + " (newline and printable ASCII 32..126 only)", tab.getMessage());
    }

    @Test
    void idOutsideTheVocabularyIsRejected() {
        assertEquals("builtin tokenizer: id 99 at position 1 is outside [0, 99)",
                assertThrows(IllegalArgumentException.class, () -> tok.decode(new int[] {5, 99})).getMessage());
        assertThrows(IllegalArgumentException.class, () -> tok.tokenString(-1));
    }
}
