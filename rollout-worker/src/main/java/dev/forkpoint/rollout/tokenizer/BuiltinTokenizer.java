package dev.forkpoint.rollout.tokenizer;

import dev.forkpoint.rollout.chat.ChatMessage;
import java.util.List;

/**
 * The fixed character-level vocabulary of the built-in tasks: {@code <pad>=0, <bos>=1, <eos>=2}, then
 * {@code '\n'} (3) and printable ASCII 32..126 (4..98). It never changes, so a checkpoint only records its kind.
 */
public final class BuiltinTokenizer implements Tokenizer {

    public static final int PAD = 0;
    public static final int BOS = 1;
    public static final int EOS = 2;
    public static final int NEWLINE = 3;
    private static final int FIRST_PRINTABLE = 32;
    private static final int LAST_PRINTABLE = 126;
    private static final int PRINTABLE_OFFSET = 4 - FIRST_PRINTABLE;
    private static final String[] SPECIALS = {"<pad>", "<bos>", "<eos>"};

    @Override
    public int vocabSize() {
        return 4 + LAST_PRINTABLE - FIRST_PRINTABLE + 1;
    }

    @Override
    public int padId() {
        return PAD;
    }

    @Override
    public int bosId() {
        return BOS;
    }

    @Override
    public int eosId() {
        return EOS;
    }

    /** {@code <bos>} then the characters of the single user turn. */
    @Override
    public int[] encodePrompt(List<ChatMessage> messages) {
        int[] text = encode(ChatMessage.plainText(messages));
        int[] out = new int[text.length + 1];
        out[0] = BOS;
        System.arraycopy(text, 0, out, 1, text.length);
        return out;
    }

    @Override
    public int[] encode(String text) {
        int[] ids = new int[text.length()];
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                ids[i] = NEWLINE;
            } else if (c >= FIRST_PRINTABLE && c <= LAST_PRINTABLE) {
                ids[i] = c + PRINTABLE_OFFSET;
            } else {
                throw new IllegalArgumentException(String.format(
                        "builtin tokenizer: character %s (U+%04X) at position %d is not in the vocabulary"
                                + " (newline and printable ASCII 32..126 only)", printable(c), (int) c, i));
            }
        }
        return ids;
    }

    @Override
    public String decode(int[] ids) {
        StringBuilder sb = new StringBuilder(ids.length);
        for (int i = 0; i < ids.length; i++) {
            int id = checkId(ids[i], i);
            if (id == NEWLINE) {
                sb.append('\n');
            } else if (id > NEWLINE) {
                sb.append((char) (id - PRINTABLE_OFFSET));
            }
        }
        return sb.toString();
    }

    @Override
    public String tokenString(int id) {
        checkId(id, -1);
        if (id < SPECIALS.length) {
            return SPECIALS[id];
        }
        return id == NEWLINE ? "\\n" : String.valueOf((char) (id - PRINTABLE_OFFSET));
    }

    @Override
    public String kind() {
        return "builtin";
    }

    private int checkId(int id, int position) {
        if (id < 0 || id >= vocabSize()) {
            throw new IllegalArgumentException("builtin tokenizer: id " + id
                    + (position >= 0 ? " at position " + position : "") + " is outside [0, " + vocabSize() + ")");
        }
        return id;
    }

    private static String printable(char c) {
        return Character.isISOControl(c) ? "'\\u" + String.format("%04x", (int) c) + "'" : "'" + c + "'";
    }
}
