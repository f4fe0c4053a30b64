package dev.forkpoint.rollout.chat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses the pieces of {@link TemplateLexer} into a tree: statements ({@code for} with loop filters and
 * {@code else}, {@code if}/{@code elif}/{@code else}, {@code set} (also of a namespace attribute, and as a block),
 * {@code macro}, {@code continue}, {@code break}) and expressions with Jinja's precedence: conditional expressions,
 * {@code or}, {@code and}, {@code not}, comparisons and {@code in}, {@code + -}, {@code ~}, {@code * / // %},
 * {@code **}, unary signs, then primaries with attribute, item, slice, call, filter ({@code |}) and test
 * ({@code is}) postfixes.
 */
final class TemplateParser {

    // ---- the tree ----

    sealed interface Node permits Text, Output, For, If, SetVar, SetBlock, Macro, LoopControl {
    }

    record Text(String text) implements Node {
    }

    record Output(Expr expr) implements Node {
    }

    record For(List<String> targets, Expr iterable, Expr filter, List<Node> body, List<Node> orElse) implements Node {
    }

    record If(List<Expr> conditions, List<List<Node>> bodies, List<Node> orElse) implements Node {
    }

    /** {@code set name = value}, or {@code set name.attr = value} on a namespace. */
    record SetVar(List<String> names, String attribute, Expr value) implements Node {
    }

    record SetBlock(String name, List<Node> body) implements Node {
    }

    record Macro(String name, List<String> params, List<Expr> defaults, List<Node> body) implements Node {
    }

    record LoopControl(boolean isBreak) implements Node {
    }

    sealed interface Expr permits Literal, Name, ListExpr, DictExpr, Attr, Item, Slice, Call, Filter, Test, Unary,
            Binary, Cond {
    }

    record Literal(Object value) implements Expr {
    }

    record Name(String name) implements Expr {
    }

    record ListExpr(List<Expr> items) implements Expr {
    }

    record DictExpr(List<Expr> keys, List<Expr> values) implements Expr {
    }

    record Attr(Expr target, String name) implements Expr {
    }

    record Item(Expr target, Expr key) implements Expr {
    }

    record Slice(Expr target, Expr start, Expr stop, Expr step) implements Expr {
    }

    record Call(Expr function, List<Expr> args, Map<String, Expr> kwargs) implements Expr {
    }

    record Filter(Expr target, String name, List<Expr> args, Map<String, Expr> kwargs) implements Expr {
    }

    record Test(Expr target, String name, List<Expr> args, boolean negated) implements Expr {
    }

    record Unary(String op, Expr operand) implements Expr {
    }

    record Binary(String op, Expr left, Expr right) implements Expr {
    }

    record Cond(Expr condition, Expr then, Expr orElse) implements Expr {
    }

    // ---- statements ----

    private final List<TemplateLexer.Piece> pieces;
    private int at;

    private TemplateParser(List<TemplateLexer.Piece> pieces) {
        this.pieces = pieces;
    }

    static List<Node> parse(String source) {
        TemplateParser p = new TemplateParser(TemplateLexer.split(source));
        List<Node> body = p.body(Set.of());
        if (p.at < p.pieces.size()) {
            TemplateLexer.Piece stray = p.pieces.get(p.at);
            throw new ChatTemplateException("line " + stray.line() + ": unexpected '{% " + stray.content() + " %}'");
        }
        return body;
    }

    /** Nodes until a statement whose first word is in {@code ends} (left unconsumed), or the end. */
    private List<Node> body(Set<String> ends) {
        List<Node> nodes = new ArrayList<>();
        while (at < pieces.size()) {
            TemplateLexer.Piece piece = pieces.get(at);
            switch (piece.kind()) {
                case TEXT -> {
                    nodes.add(new Text(piece.content()));
                    at++;
                }
                case OUTPUT -> {
                    nodes.add(new Output(expression(piece)));
                    at++;
                }
                case STATEMENT -> {
                    String word = firstWord(piece.content());
                    if (ends.contains(word)) {
                        return nodes;
                    }
                    nodes.add(statement(piece, word));
                }
                default -> throw new IllegalStateException(piece.kind().name());
            }
        }
        if (!ends.isEmpty()) {
            throw new ChatTemplateException("the template ends inside a block: expected one of " + ends);
        }
        return nodes;
    }

    private Node statement(TemplateLexer.Piece piece, String word) {
        Tokens t = new Tokens(piece.content(), piece.line());
        t.next(); // the keyword
        at++;
        switch (word) {
            case "for" -> {
                List<String> targets = new ArrayList<>();
                targets.add(t.name());
                while (t.accept(",")) {
                    targets.add(t.name());
                }
                t.expectWord("in");
                Expr iterable = new ExprParser(t).withoutConditional();
                Expr filter = t.acceptWord("if") ? new ExprParser(t).withoutConditional() : null;
                t.end();
                List<Node> bodyNodes = body(Set.of("else", "endfor"));
                List<Node> orElse = List.of();
                if (firstWord(current().content()).equals("else")) {
                    at++;
                    orElse = body(Set.of("endfor"));
                }
                at++;
                return new For(targets, iterable, filter, bodyNodes, orElse);
            }
            case "if" -> {
                List<Expr> conditions = new ArrayList<>();
                List<List<Node>> bodies = new ArrayList<>();
                conditions.add(new ExprParser(t).expression());
                t.end();
                bodies.add(body(Set.of("elif", "else", "endif")));
                List<Node> orElse = List.of();
                while (true) {
                    TemplateLexer.Piece end = current();
                    String w = firstWord(end.content());
                    at++;
                    if (w.equals("elif")) {
                        Tokens et = new Tokens(end.content(), end.line());
                        et.next();
                        conditions.add(new ExprParser(et).expression());
                        et.end();
                        bodies.add(body(Set.of("elif", "else", "endif")));
                    } else if (w.equals("else")) {
                        orElse = body(Set.of("endif"));
                        at++;
                        break;
                    } else {
                        break;
                    }
                }
                return new If(conditions, bodies, orElse);
            }
            case "set" -> {
                List<String> names = new ArrayList<>();
                names.add(t.name());
                String attribute = null;
                if (t.accept(".")) {
                    attribute = t.name();
                }
                while (t.accept(",")) {
                    names.add(t.name());
                }
                if (!t.accept("=")) {
                    t.end();
                    List<Node> bodyNodes = body(Set.of("endset"));
                    at++;
                    return new SetBlock(names.get(0), bodyNodes);
                }
                Expr value = new ExprParser(t).tupleOrExpression();
                t.end();
                return new SetVar(names, attribute, value);
            }
            case "macro" -> {
                String name = t.name();
                List<String> params = new ArrayList<>();
                List<Expr> defaults = new ArrayList<>();
                t.expect("(");
                if (!t.accept(")")) {
                    do {
                        params.add(t.name());
                        defaults.add(t.accept("=") ? new ExprParser(t).expression() : null);
                    } while (t.accept(","));
                    t.expect(")");
                }
                t.end();
                List<Node> bodyNodes = body(Set.of("endmacro"));
                at++;
                return new Macro(name, params, defaults, bodyNodes);
            }
            case "continue", "break" -> {
                t.end();
                return new LoopControl(word.equals("break"));
            }
            default -> throw new ChatTemplateException("line " + piece.line() + ": unsupported statement '{% "
                    + piece.content() + " %}'");
        }
    }

    private TemplateLexer.Piece current() {
        if (at >= pieces.size()) {
            throw new ChatTemplateException("the template ends inside a block");
        }
        return pieces.get(at);
    }

    private static Expr expression(TemplateLexer.Piece piece) {
        Tokens t = new Tokens(piece.content(), piece.line());
        Expr e = new ExprParser(t).expression();
        t.end();
        return e;
    }

    private static String firstWord(String content) {
        int i = 0;
        while (i < content.length() && (Character.isLetterOrDigit(content.charAt(i)) || content.charAt(i) == '_')) {
            i++;
        }
        return content.substring(0, i);
    }

    // ---- expressions ----

    /** Precedence climbing over one tag's tokens. */
    private static final class ExprParser {
        private final Tokens t;

        ExprParser(Tokens t) {
            this.t = t;
        }

        /** {@code a, b} as a list (Jinja's tuple), else one expression. */
        Expr tupleOrExpression() {
            Expr first = expression();
            if (!t.peekIs(",")) {
                return first;
            }
            List<Expr> items = new ArrayList<>(List.of(first));
            while (t.accept(",")) {
                items.add(expression());
            }
            return new ListExpr(items);
        }

        Expr expression() {
            Expr e = or();
            if (t.acceptWord("if")) {
                Expr condition = or();
                Expr orElse = t.acceptWord("else") ? expression() : new Literal(ChatTemplate.UNDEFINED);
                return new Cond(condition, e, orElse);
            }
            return e;
        }

        /** A for loop's iterable: no conditional, since {@code if} there filters the loop. */
        Expr withoutConditional() {
            return or();
        }

        private Expr or() {
            Expr e = and();
            while (t.acceptWord("or")) {
                e = new Binary("or", e, and());
            }
            return e;
        }

        private Expr and() {
            Expr e = not();
            while (t.acceptWord("and")) {
                e = new Binary("and", e, not());
            }
            return e;
        }

        private Expr not() {
            if (t.acceptWord("not")) {
                return new Unary("not", not());
            }
            return compare();
        }

        private Expr compare() {
            Expr e = add();
            while (true) {
                String op = t.peekOperator("==", "!=", "<=", ">=", "<", ">");
                if (op != null) {
                    t.next();
                    e = new Binary(op, e, add());
                } else if (t.acceptWord("in")) {
                    e = new Binary("in", e, add());
                } else if (t.peekWords("not", "in")) {
                    t.next();
                    t.next();
                    e = new Binary("not in", e, add());
                } else {
                    return e;
                }
            }
        }

        private Expr add() {
            Expr e = concat();
            while (true) {
                String op = t.peekOperator("+", "-");
                if (op == null) {
                    return e;
                }
                t.next();
                e = new Binary(op, e, concat());
            }
        }

        private Expr concat() {
            Expr e = multiply();
            while (t.accept("~")) {
                e = new Binary("~", e, multiply());
            }
            return e;
        }

        private Expr multiply() {
            Expr e = power();
            while (true) {
                String op = t.peekOperator("//", "*", "/", "%");
                if (op == null) {
                    return e;
                }
                t.next();
                e = new Binary(op, e, power());
            }
        }

        private Expr power() {
            Expr e = unary();
            while (t.accept("**")) {
                e = new Binary("**", e, unary());
            }
            return e;
        }

        private Expr unary() {
            if (t.accept("-")) {
                return new Unary("-", unary());
            }
            if (t.accept("+")) {
                return unary();
            }
            return filters(postfix(primary()));
        }

        private Expr primary() {
            Tokens.Token tok = t.next();
            switch (tok.type()) {
                case STRING -> {
                    StringBuilder s = new StringBuilder((String) tok.value());
                    while (t.peekType() == Tokens.Type.STRING) { // adjacent literals concatenate
                        s.append((String) t.next().value());
                    }
                    return new Literal(s.toString());
                }
                case NUMBER -> {
                    return new Literal(tok.value());
                }
                case NAME -> {
                    String n = (String) tok.value();
                    return switch (n) {
                        case "true", "True" -> new Literal(Boolean.TRUE);
                        case "false", "False" -> new Literal(Boolean.FALSE);
                        case "none", "None" -> new Literal(null);
                        default -> new Name(n);
                    };
                }
                case OP -> {
                    String op = (String) tok.value();
                    if (op.equals("(")) {
                        if (t.accept(")")) {
                            return new ListExpr(List.of());
                        }
                        Expr e = expression();
                        if (t.peekIs(",")) {
                            List<Expr> items = new ArrayList<>(List.of(e));
                            while (t.accept(",") && !t.peekIs(")")) {
                                items.add(expression());
                            }
                            t.expect(")");
                            return new ListExpr(items);
                        }
                        t.expect(")");
                        return e;
                    }
                    if (op.equals("[")) {
                        List<Expr> items = new ArrayList<>();
                        while (!t.accept("]")) {
                            items.add(expression());
                            if (!t.accept(",")) {
                                t.expect("]");
                                break;
                            }
                        }
                        return new ListExpr(items);
                    }
                    if (op.equals("{")) {
                        List<Expr> keys = new ArrayList<>();
                        List<Expr> values = new ArrayList<>();
                        while (!t.accept("}")) {
                            keys.add(expression());
                            t.expect(":");
                            values.add(expression());
                            if (!t.accept(",")) {
                                t.expect("}");
                                break;
                            }
                        }
                        return new DictExpr(keys, values);
                    }
                    throw t.error("unexpected '" + op + "'");
                }
                default -> throw t.error("unexpected end of expression");
            }
        }

        private Expr postfix(Expr e) {
            while (true) {
                if (t.accept(".")) {
                    e = new Attr(e, t.name());
                } else if (t.accept("[")) {
                    Expr start = null;
                    if (!t.peekIs(":")) {
                        start = expression();
                        if (t.accept("]")) {
                            e = new Item(e, start);
                            continue;
                        }
                    }
                    t.expect(":");
                    Expr stop = t.peekIs(":") || t.peekIs("]") ? null : expression();
                    Expr step = null;
                    if (t.accept(":")) {
                        step = t.peekIs("]") ? null : expression();
                    }
                    t.expect("]");
                    e = new Slice(e, start, stop, step);
                } else if (t.peekIs("(")) {
                    t.next();
                    List<Expr> args = new ArrayList<>();
                    Map<String, Expr> kwargs = new LinkedHashMap<>();
                    arguments(args, kwargs);
                    e = new Call(e, args, kwargs);
                } else {
                    return e;
                }
            }
        }

        private Expr filters(Expr e) {
            while (true) {
                if (t.accept("|")) {
                    String name = t.name();
                    List<Expr> args = new ArrayList<>();
                    Map<String, Expr> kwargs = new LinkedHashMap<>();
                    if (t.accept("(")) {
                        arguments(args, kwargs);
                    }
                    e = new Filter(e, name, args, kwargs);
                } else if (t.acceptWord("is")) {
                    boolean negated = t.acceptWord("not");
                    Tokens.Token name = t.next();
                    String test = switch (name.type()) {
                        case NAME -> (String) name.value();
                        case OP -> {
                            String op = (String) name.value(); // "is ==" style tests are not Jinja; be explicit
                            throw t.error("expected a test name after 'is', got '" + op + "'");
                        }
                        default -> throw t.error("expected a test name after 'is'");
                    };
                    List<Expr> args = new ArrayList<>();
                    if (t.accept("(")) {
                        arguments(args, new LinkedHashMap<>());
                    } else if (t.peekType() == Tokens.Type.NUMBER || t.peekType() == Tokens.Type.STRING) {
                        args.add(primary()); // "is divisibleby 3", "is sameas 'x'"
                    }
                    e = new Test(e, normalize(test), args, negated);
                } else {
                    return e;
                }
            }
        }

        private static String normalize(String test) {
            return switch (test) {
                case "true", "True" -> "true";
                case "false", "False" -> "false";
                case "none", "None" -> "none";
                default -> test;
            };
        }

        /** After "(": positional and keyword arguments up to ")". */
        private void arguments(List<Expr> args, Map<String, Expr> kwargs) {
            while (!t.accept(")")) {
                if (t.peekType() == Tokens.Type.NAME && t.peekAhead("=")) {
                    String key = t.name();
                    t.expect("=");
                    kwargs.put(key, expression());
                } else {
                    args.add(expression());
                }
                if (!t.accept(",")) {
                    t.expect(")");
                    return;
                }
            }
        }
    }

    // ---- tokens of one tag ----

    static final class Tokens {
        enum Type { NAME, NUMBER, STRING, OP, END }

        record Token(Type type, Object value) {
        }

        private static final String[] OPERATORS = {"**", "//", "==", "!=", "<=", ">=", "+", "-", "*", "/", "%",
            "~", "|", ".", ",", ":", "(", ")", "[", "]", "{", "}", "=", "<", ">"};

        private final List<Token> tokens = new ArrayList<>();
        private final String source;
        private final int line;
        private int pos;

        Tokens(String source, int line) {
            this.source = source;
            this.line = line;
            int i = 0;
            while (i < source.length()) {
                char c = source.charAt(i);
                if (Character.isWhitespace(c)) {
                    i++;
                } else if (Character.isLetter(c) || c == '_') {
                    int j = i;
                    while (j < source.length() && (Character.isLetterOrDigit(source.charAt(j)) || source.charAt(j) == '_')) {
                        j++;
                    }
                    tokens.add(new Token(Type.NAME, source.substring(i, j)));
                    i = j;
                } else if (Character.isDigit(c)) {
                    int j = i;
                    boolean real = false;
                    while (j < source.length() && (Character.isDigit(source.charAt(j)) || source.charAt(j) == '_'
                            || (source.charAt(j) == '.' && !real && j + 1 < source.length()
                            && Character.isDigit(source.charAt(j + 1))))) {
                        real |= source.charAt(j) == '.';
                        j++;
                    }
                    if (j < source.length() && (source.charAt(j) == 'e' || source.charAt(j) == 'E')) {
                        int k = j + 1;
                        if (k < source.length() && (source.charAt(k) == '+' || source.charAt(k) == '-')) {
                            k++;
                        }
                        if (k < source.length() && Character.isDigit(source.charAt(k))) {
                            real = true;
                            j = k;
                            while (j < source.length() && Character.isDigit(source.charAt(j))) {
                                j++;
                            }
                        }
                    }
                    String text = source.substring(i, j).replace("_", "");
                    tokens.add(new Token(Type.NUMBER, real ? (Object) Double.parseDouble(text) : (Object) Long.parseLong(text)));
                    i = j;
                } else if (c == '\'' || c == '"') {
                    StringBuilder s = new StringBuilder();
                    int j = i + 1;
                    while (j < source.length() && source.charAt(j) != c) {
                        char d = source.charAt(j);
                        if (d == '\\' && j + 1 < source.length()) {
                            char e = source.charAt(++j);
                            switch (e) {
                                case 'n' -> s.append('\n');
                                case 't' -> s.append('\t');
                                case 'r' -> s.append('\r');
                                case '\\' -> s.append('\\');
                                case '\'' -> s.append('\'');
                                case '"' -> s.append('"');
                                case 'u' -> {
                                    s.append((char) Integer.parseInt(source.substring(j + 1, j + 5), 16));
                                    j += 4;
                                }
                                default -> s.append('\\').append(e);
                            }
                        } else {
                            s.append(d);
                        }
                        j++;
                    }
                    if (j >= source.length()) {
                        throw new ChatTemplateException("line " + line + ": unterminated string in '" + source + "'");
                    }
                    tokens.add(new Token(Type.STRING, s.toString()));
                    i = j + 1;
                } else {
                    String op = null;
                    for (String o : OPERATORS) {
                        if (source.startsWith(o, i)) {
                            op = o;
                            break;
                        }
                    }
                    if (op == null) {
                        throw new ChatTemplateException("line " + line + ": unexpected character '" + c + "' in '"
                                + source + "'");
                    }
                    tokens.add(new Token(Type.OP, op));
                    i += op.length();
                }
            }
        }

        Token next() {
            return pos < tokens.size() ? tokens.get(pos++) : new Token(Type.END, null);
        }

        Type peekType() {
            return pos < tokens.size() ? tokens.get(pos).type() : Type.END;
        }

        boolean peekIs(String op) {
            return pos < tokens.size() && tokens.get(pos).type() == Type.OP && tokens.get(pos).value().equals(op);
        }

        boolean peekAhead(String op) {
            return pos + 1 < tokens.size() && tokens.get(pos + 1).type() == Type.OP
                    && tokens.get(pos + 1).value().equals(op);
        }

        String peekOperator(String... ops) {
            if (pos < tokens.size() && tokens.get(pos).type() == Type.OP) {
                for (String o : ops) {
                    if (tokens.get(pos).value().equals(o)) {
                        return o;
                    }
                }
            }
            return null;
        }

        boolean peekWords(String a, String b) {
            return pos + 1 < tokens.size() && tokens.get(pos).type() == Type.NAME && tokens.get(pos).value().equals(a)
                    && tokens.get(pos + 1).type() == Type.NAME && tokens.get(pos + 1).value().equals(b);
        }

        boolean accept(String op) {
            if (peekIs(op)) {
                pos++;
                return true;
            }
            return false;
        }

        boolean acceptWord(String word) {
            if (pos < tokens.size() && tokens.get(pos).type() == Type.NAME && tokens.get(pos).value().equals(word)) {
                pos++;
                return true;
            }
            return false;
        }

        void expect(String op) {
            if (!accept(op)) {
                throw error("expected '" + op + "'");
            }
        }

        void expectWord(String word) {
            if (!acceptWord(word)) {
                throw error("expected '" + word + "'");
            }
        }

        String name() {
            Token t = next();
            if (t.type() != Type.NAME) {
                throw error("expected a name");
            }
            return (String) t.value();
        }

        void end() {
            if (pos < tokens.size()) {
                throw error("unexpected '" + tokens.get(pos).value() + "'");
            }
        }

        ChatTemplateException error(String what) {
            return new ChatTemplateException("line " + line + ": " + what + " in '" + source + "'");
        }
    }
}
