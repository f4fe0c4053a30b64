package dev.forkpoint.rollout.chat;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a Jinja template into text, output ({@code {{ }}}) and statement ({@code {% %}}) pieces, applying the
 * whitespace rules transformers renders chat templates with: {@code trim_blocks} (the first newline after a
 * statement or comment tag is dropped), {@code lstrip_blocks} (spaces and tabs before a statement or comment tag on
 * its line are dropped), and the {@code -} markers that strip all whitespace on their side ({@code +} keeps it).
 */
final class TemplateLexer {

    /** A piece of the template: text to emit, an expression to output, or a statement. */
    record Piece(Kind kind, String content, int line) {
        enum Kind { TEXT, OUTPUT, STATEMENT }
    }

    private TemplateLexer() {
    }

    static List<Piece> split(String template) {
        // As jinja2's defaults: newlines normalised to \n, and one trailing newline dropped (keep_trailing_newline
        // is off in transformers).
        String source = template.replace("\r\n", "\n").replace('\r', '\n');
        if (source.endsWith("\n")) {
            source = source.substring(0, source.length() - 1);
        }
        List<Piece> pieces = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        int i = 0;
        boolean stripNext = false; // a "-" on the previous tag's closing side
        boolean trimNewline = false; // trim_blocks after a statement or comment
        int line = 1;
        while (i < source.length()) {
            int open = nextOpen(source, i);
            String before = source.substring(i, open < 0 ? source.length() : open);
            if (stripNext) {
                before = stripLeading(before);
            } else if (trimNewline) {
                if (before.startsWith("\n")) {
                    before = before.substring(1);
                }
            }
            stripNext = false;
            trimNewline = false;
            if (open < 0) {
                text.append(before);
                break;
            }
            char type = source.charAt(open + 1);
            int contentStart = open + 2;
            char marker = contentStart < source.length() ? source.charAt(contentStart) : 0;
            boolean block = type == '%' || type == '#';
            if (marker == '-') {
                before = stripTrailing(before);
                contentStart++;
            } else if (marker == '+') {
                contentStart++;
            } else if (block) {
                before = lstripBlock(source, open, before);
            }
            text.append(before);
            line += count(source, i, open);
            String close = type == '{' ? "}}" : type == '%' ? "%}" : "#}";
            int end = type == '#' ? source.indexOf(close, contentStart) : findClose(source, contentStart, close);
            if (end < 0) {
                throw new ChatTemplateException("line " + line + ": '" + source.substring(open, open + 2)
                        + "' is never closed with '" + close + "'");
            }
            int contentEnd = end;
            boolean closeStrip = contentEnd > contentStart && source.charAt(contentEnd - 1) == '-';
            boolean closeKeep = contentEnd > contentStart && source.charAt(contentEnd - 1) == '+';
            if (closeStrip || closeKeep) {
                contentEnd--;
            }
            if (!text.isEmpty()) {
                pieces.add(new Piece(Piece.Kind.TEXT, text.toString(), line));
                text.setLength(0);
            }
            String content = source.substring(contentStart, contentEnd).trim();
            if (type == '{') {
                pieces.add(new Piece(Piece.Kind.OUTPUT, content, line));
            } else if (type == '%') {
                pieces.add(new Piece(Piece.Kind.STATEMENT, content, line));
            }
            line += count(source, open, end + 2);
            i = end + 2;
            stripNext = closeStrip;
            trimNewline = block && !closeStrip && !closeKeep;
        }
        if (!text.isEmpty()) {
            pieces.add(new Piece(Piece.Kind.TEXT, text.toString(), line));
        }
        return pieces;
    }

    private static int nextOpen(String s, int from) {
        int i = s.indexOf('{', from);
        while (i >= 0 && i + 1 < s.length()) {
            char c = s.charAt(i + 1);
            if (c == '{' || c == '%' || c == '#') {
                return i;
            }
            i = s.indexOf('{', i + 1);
        }
        return -1;
    }

    /** The closing delimiter's index, skipping string literals (a "%}" inside quotes does not close the tag). */
    private static int findClose(String s, int from, String close) {
        char quote = 0;
        for (int i = from; i < s.length() - 1; i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == close.charAt(0) && s.charAt(i + 1) == close.charAt(1)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * lstrip_blocks: drop the spaces and tabs before the tag when nothing but them stands between the start of its
     * line (or of the template) and the tag, judged on the source.
     */
    private static String lstripBlock(String source, int open, String before) {
        int p = open;
        while (p > 0 && (source.charAt(p - 1) == ' ' || source.charAt(p - 1) == '\t')) {
            p--;
        }
        if (p > 0 && source.charAt(p - 1) != '\n') {
            return before;
        }
        int k = before.length();
        while (k > 0 && (before.charAt(k - 1) == ' ' || before.charAt(k - 1) == '\t')) {
            k--;
        }
        return before.substring(0, k);
    }

    private static String stripLeading(String s) {
        int k = 0;
        while (k < s.length() && Character.isWhitespace(s.charAt(k))) {
            k++;
        }
        return s.substring(k);
    }

    private static String stripTrailing(String s) {
        int k = s.length();
        while (k > 0 && Character.isWhitespace(s.charAt(k - 1))) {
            k--;
        }
        return s.substring(0, k);
    }

    private static int count(String s, int from, int to) {
        int n = 0;
        for (int i = from; i < to && i < s.length(); i++) {
            if (s.charAt(i) == '\n') {
                n++;
            }
        }
        return n;
    }
}
