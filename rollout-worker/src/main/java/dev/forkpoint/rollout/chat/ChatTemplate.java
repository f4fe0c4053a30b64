package dev.forkpoint.rollout.chat;

import dev.forkpoint.rollout.chat.TemplateParser.Attr;
import dev.forkpoint.rollout.chat.TemplateParser.Binary;
import dev.forkpoint.rollout.chat.TemplateParser.Call;
import dev.forkpoint.rollout.chat.TemplateParser.Cond;
import dev.forkpoint.rollout.chat.TemplateParser.DictExpr;
import dev.forkpoint.rollout.chat.TemplateParser.Expr;
import dev.forkpoint.rollout.chat.TemplateParser.Filter;
import dev.forkpoint.rollout.chat.TemplateParser.For;
import dev.forkpoint.rollout.chat.TemplateParser.If;
import dev.forkpoint.rollout.chat.TemplateParser.Item;
import dev.forkpoint.rollout.chat.TemplateParser.ListExpr;
import dev.forkpoint.rollout.chat.TemplateParser.Literal;
import dev.forkpoint.rollout.chat.TemplateParser.LoopControl;
import dev.forkpoint.rollout.chat.TemplateParser.Macro;
import dev.forkpoint.rollout.chat.TemplateParser.Name;
import dev.forkpoint.rollout.chat.TemplateParser.Node;
import dev.forkpoint.rollout.chat.TemplateParser.Output;
import dev.forkpoint.rollout.chat.TemplateParser.SetBlock;
import dev.forkpoint.rollout.chat.TemplateParser.SetVar;
import dev.forkpoint.rollout.chat.TemplateParser.Slice;
import dev.forkpoint.rollout.chat.TemplateParser.Test;
import dev.forkpoint.rollout.chat.TemplateParser.Text;
import dev.forkpoint.rollout.chat.TemplateParser.Unary;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A Hugging Face {@code chat_template}, rendered as transformers renders it: Jinja with {@code trim_blocks},
 * {@code lstrip_blocks} and loop controls, a {@code tojson} filter with {@code ensure_ascii=False}, and the
 * {@code raise_exception} and {@code strftime_now} globals. Values behave as in Python (truthiness, {@code +} on
 * strings and lists, slicing with steps, string methods such as {@code split}, {@code strip}, {@code startswith});
 * an unknown variable is undefined (renders as nothing, false, {@code is defined} false). The engine implements the
 * Jinja that chat templates use, not the whole language: an unsupported construct is a
 * {@link ChatTemplateException} naming it, never a silent difference.
 */
public final class ChatTemplate {

    /** Jinja's undefined value. */
    static final Object UNDEFINED = new Object() {
        @Override
        public String toString() {
            return "";
        }
    };

    /** A callable value (a global function, a bound string method, a macro). */
    interface Function {
        Object call(List<Object> args, Map<String, Object> kwargs);
    }

    /** Jinja's {@code namespace()}: attributes that a {@code set} inside a loop can change. */
    static final class Namespace {
        final Map<String, Object> attributes = new LinkedHashMap<>();
    }

    private final List<Node> nodes;

    private ChatTemplate(List<Node> nodes) {
        this.nodes = nodes;
    }

    public static ChatTemplate parse(String source) {
        return new ChatTemplate(TemplateParser.parse(source));
    }

    /** Renders with these variables (messages, add_generation_prompt, special tokens, template kwargs...). */
    public String render(Map<String, ?> variables) {
        Scope globals = new Scope(null);
        globals.vars.put("raise_exception", (Function) (args, kw) -> {
            throw new ChatTemplateException("the chat template raised: " + (args.isEmpty() ? "" : str(args.get(0))));
        });
        globals.vars.put("namespace", (Function) (args, kw) -> {
            Namespace ns = new Namespace();
            for (Object a : args) {
                if (a instanceof Map<?, ?> m) {
                    m.forEach((k, v) -> ns.attributes.put(String.valueOf(k), v));
                }
            }
            ns.attributes.putAll(kw);
            return ns;
        });
        globals.vars.put("range", (Function) (args, kw) -> range(args));
        globals.vars.put("strftime_now", (Function) (args, kw) -> LocalDateTime.now()
                .format(DateTimeFormatter.ofPattern(PyValues.strftimeToJava(str(args.get(0))), Locale.ROOT)));
        globals.vars.put("dict", (Function) (args, kw) -> new LinkedHashMap<>(kw));
        Scope scope = new Scope(globals);
        variables.forEach((k, v) -> scope.vars.put(k, PyValues.fromJava(v)));
        StringBuilder out = new StringBuilder();
        run(nodes, scope, out);
        return out.toString();
    }

    // ---- statements ----

    private static final class Scope {
        final Scope parent;
        final Map<String, Object> vars = new HashMap<>();

        Scope(Scope parent) {
            this.parent = parent;
        }

        Object get(String name) {
            for (Scope s = this; s != null; s = s.parent) {
                if (s.vars.containsKey(name)) {
                    return s.vars.get(name);
                }
            }
            return UNDEFINED;
        }
    }

    /** Thrown through the loop body by {@code continue} and {@code break}. */
    private static final class LoopSignal extends RuntimeException {
        final boolean isBreak;

        LoopSignal(boolean isBreak) {
            super(null, null, false, false);
            this.isBreak = isBreak;
        }
    }

    private void run(List<Node> body, Scope scope, StringBuilder out) {
        for (Node node : body) {
            if (node instanceof Text t) {
                out.append(t.text());
            } else if (node instanceof Output o) {
                out.append(str(eval(o.expr(), scope)));
            } else if (node instanceof If i) {
                boolean done = false;
                for (int k = 0; k < i.conditions().size() && !done; k++) {
                    if (PyValues.truthy(eval(i.conditions().get(k), scope))) {
                        run(i.bodies().get(k), scope, out);
                        done = true;
                    }
                }
                if (!done) {
                    run(i.orElse(), scope, out);
                }
            } else if (node instanceof For f) {
                loop(f, scope, out);
            } else if (node instanceof SetVar s) {
                set(s, scope);
            } else if (node instanceof SetBlock s) {
                StringBuilder captured = new StringBuilder();
                run(s.body(), scope, captured);
                scope.vars.put(s.name(), captured.toString());
            } else if (node instanceof Macro m) {
                scope.vars.put(m.name(), macro(m, scope));
            } else if (node instanceof LoopControl c) {
                throw new LoopSignal(c.isBreak());
            } else {
                throw new IllegalStateException(node.getClass().getName());
            }
        }
    }

    private void loop(For f, Scope scope, StringBuilder out) {
        List<Object> items = new ArrayList<>(PyValues.iterate(eval(f.iterable(), scope)));
        if (f.filter() != null) {
            List<Object> kept = new ArrayList<>();
            for (Object item : items) {
                Scope probe = new Scope(scope);
                bind(f.targets(), item, probe);
                if (PyValues.truthy(eval(f.filter(), probe))) {
                    kept.add(item);
                }
            }
            items = kept;
        }
        if (items.isEmpty()) {
            run(f.orElse(), scope, out);
            return;
        }
        // Assignments inside a loop stay in the loop (Jinja scoping); namespaces carry state out.
        Scope body = new Scope(scope);
        for (int i = 0; i < items.size(); i++) {
            Map<String, Object> loopInfo = new LinkedHashMap<>();
            loopInfo.put("index", (long) i + 1);
            loopInfo.put("index0", (long) i);
            loopInfo.put("revindex", (long) (items.size() - i));
            loopInfo.put("revindex0", (long) (items.size() - i - 1));
            loopInfo.put("first", i == 0);
            loopInfo.put("last", i == items.size() - 1);
            loopInfo.put("length", (long) items.size());
            loopInfo.put("previtem", i > 0 ? items.get(i - 1) : UNDEFINED);
            loopInfo.put("nextitem", i + 1 < items.size() ? items.get(i + 1) : UNDEFINED);
            body.vars.put("loop", loopInfo);
            bind(f.targets(), items.get(i), body);
            try {
                run(f.body(), body, out);
            } catch (LoopSignal signal) {
                if (signal.isBreak) {
                    break;
                }
            }
        }
    }

    private static void bind(List<String> targets, Object item, Scope scope) {
        if (targets.size() == 1) {
            scope.vars.put(targets.get(0), item);
            return;
        }
        List<Object> parts = PyValues.iterate(item);
        if (parts.size() != targets.size()) {
            throw new ChatTemplateException("cannot unpack " + parts.size() + " values into " + targets);
        }
        for (int i = 0; i < targets.size(); i++) {
            scope.vars.put(targets.get(i), parts.get(i));
        }
    }

    private void set(SetVar s, Scope scope) {
        Object value = eval(s.value(), scope);
        if (s.attribute() != null) {
            Object target = scope.get(s.names().get(0));
            if (!(target instanceof Namespace ns)) {
                throw new ChatTemplateException("cannot set attribute '" + s.attribute() + "' of "
                        + s.names().get(0) + ": only a namespace() has assignable attributes");
            }
            ns.attributes.put(s.attribute(), value);
            return;
        }
        if (s.names().size() == 1) {
            scope.vars.put(s.names().get(0), value);
            return;
        }
        List<Object> parts = PyValues.iterate(value);
        for (int i = 0; i < s.names().size(); i++) {
            scope.vars.put(s.names().get(i), parts.get(i));
        }
    }

    private Function macro(Macro m, Scope defining) {
        return (args, kwargs) -> {
            Scope local = new Scope(defining);
            for (int i = 0; i < m.params().size(); i++) {
                String p = m.params().get(i);
                Object v = i < args.size() ? args.get(i) : kwargs.containsKey(p) ? kwargs.get(p)
                        : m.defaults().get(i) != null ? eval(m.defaults().get(i), defining) : UNDEFINED;
                local.vars.put(p, v);
            }
            StringBuilder out = new StringBuilder();
            run(m.body(), local, out);
            return out.toString();
        };
    }

    // ---- expressions ----

    private Object eval(Expr e, Scope scope) {
        if (e instanceof Literal l) {
            return l.value();
        }
        if (e instanceof Name n) {
            return scope.get(n.name());
        }
        if (e instanceof ListExpr l) {
            List<Object> out = new ArrayList<>();
            l.items().forEach(i -> out.add(eval(i, scope)));
            return out;
        }
        if (e instanceof DictExpr d) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (int i = 0; i < d.keys().size(); i++) {
                out.put(str(eval(d.keys().get(i), scope)), eval(d.values().get(i), scope));
            }
            return out;
        }
        if (e instanceof Attr a) {
            return PyValues.attribute(eval(a.target(), scope), a.name());
        }
        if (e instanceof Item i) {
            return PyValues.item(eval(i.target(), scope), eval(i.key(), scope));
        }
        if (e instanceof Slice s) {
            return PyValues.slice(eval(s.target(), scope), optional(s.start(), scope), optional(s.stop(), scope),
                    optional(s.step(), scope));
        }
        if (e instanceof Call c) {
            Object f = eval(c.function(), scope);
            if (!(f instanceof Function fn)) {
                throw new ChatTemplateException(describe(c.function()) + " is not callable");
            }
            List<Object> args = new ArrayList<>();
            c.args().forEach(x -> args.add(eval(x, scope)));
            Map<String, Object> kwargs = new LinkedHashMap<>();
            c.kwargs().forEach((k, v) -> kwargs.put(k, eval(v, scope)));
            return fn.call(args, kwargs);
        }
        if (e instanceof Filter f) {
            List<Object> args = new ArrayList<>();
            f.args().forEach(x -> args.add(eval(x, scope)));
            Map<String, Object> kwargs = new LinkedHashMap<>();
            f.kwargs().forEach((k, v) -> kwargs.put(k, eval(v, scope)));
            return Filters.apply(f.name(), eval(f.target(), scope), args, kwargs);
        }
        if (e instanceof Test t) {
            List<Object> args = new ArrayList<>();
            t.args().forEach(x -> args.add(eval(x, scope)));
            boolean result = Filters.test(t.name(), eval(t.target(), scope), args);
            return t.negated() != result;
        }
        if (e instanceof Unary u) {
            if (u.op().equals("not")) {
                return !PyValues.truthy(eval(u.operand(), scope));
            }
            return PyValues.negate(eval(u.operand(), scope));
        }
        if (e instanceof Binary b) {
            return binary(b, scope);
        }
        if (e instanceof Cond c) {
            return PyValues.truthy(eval(c.condition(), scope)) ? eval(c.then(), scope) : eval(c.orElse(), scope);
        }
        throw new IllegalStateException(e.getClass().getName());
    }

    private Object binary(Binary b, Scope scope) {
        switch (b.op()) {
            case "and" -> {
                Object l = eval(b.left(), scope);
                return PyValues.truthy(l) ? eval(b.right(), scope) : l;
            }
            case "or" -> {
                Object l = eval(b.left(), scope);
                return PyValues.truthy(l) ? l : eval(b.right(), scope);
            }
            default -> {
                return PyValues.binary(b.op(), eval(b.left(), scope), eval(b.right(), scope));
            }
        }
    }

    private Object optional(Expr e, Scope scope) {
        return e == null ? null : eval(e, scope);
    }

    private static String describe(Expr e) {
        return e instanceof Name n ? n.name() : e instanceof Attr a ? describe(a.target()) + "." + a.name() : "value";
    }

    static String str(Object v) {
        return PyValues.str(v);
    }

    private static List<Object> range(List<Object> args) {
        long start = 0;
        long stop;
        long step = 1;
        if (args.size() == 1) {
            stop = PyValues.toLong(args.get(0));
        } else {
            start = PyValues.toLong(args.get(0));
            stop = PyValues.toLong(args.get(1));
            if (args.size() > 2) {
                step = PyValues.toLong(args.get(2));
            }
        }
        List<Object> out = new ArrayList<>();
        for (long i = start; step > 0 ? i < stop : i > stop; i += step) {
            out.add(i);
        }
        return Collections.unmodifiableList(out);
    }
}
