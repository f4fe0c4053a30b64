package dev.forkpoint.rollout.chat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The Jinja filters ({@code value | name(args)}) and tests ({@code value is name}) chat templates use. */
final class Filters {

    private Filters() {
    }

    static Object apply(String name, Object v, List<Object> args, Map<String, Object> kwargs) {
        switch (name) {
            case "trim" -> {
                return StringMethods.strip(PyValues.str(v), args.isEmpty() ? null : PyValues.str(args.get(0)), true, true);
            }
            case "tojson" -> {
                Object indent = kwargs.containsKey("indent") ? kwargs.get("indent") : args.isEmpty() ? null : args.get(0);
                return Json.dumps(v, indent == null ? -1 : (int) PyValues.toLong(indent));
            }
            case "length", "count" -> {
                if (v instanceof String s) {
                    return (long) s.codePointCount(0, s.length());
                }
                if (v instanceof Map<?, ?> m) {
                    return (long) m.size();
                }
                return (long) PyValues.iterate(v).size();
            }
            case "first" -> {
                List<Object> l = PyValues.iterate(v);
                return l.isEmpty() ? ChatTemplate.UNDEFINED : l.get(0);
            }
            case "last" -> {
                List<Object> l = PyValues.iterate(v);
                return l.isEmpty() ? ChatTemplate.UNDEFINED : l.get(l.size() - 1);
            }
            case "join" -> {
                String sep = args.isEmpty() ? "" : PyValues.str(args.get(0));
                Object attribute = kwargs.get("attribute");
                List<String> parts = new ArrayList<>();
                for (Object x : PyValues.iterate(v)) {
                    parts.add(PyValues.str(attribute == null ? x : PyValues.attribute(x, PyValues.str(attribute))));
                }
                return String.join(sep, parts);
            }
            case "upper" -> {
                return PyValues.str(v).toUpperCase(Locale.ROOT);
            }
            case "lower" -> {
                return PyValues.str(v).toLowerCase(Locale.ROOT);
            }
            case "title" -> {
                return title(PyValues.str(v));
            }
            case "capitalize" -> {
                String s = PyValues.str(v);
                return s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1).toLowerCase(Locale.ROOT);
            }
            case "default", "d" -> {
                boolean falsy = args.size() > 1 && PyValues.truthy(args.get(1));
                boolean missing = v == ChatTemplate.UNDEFINED || (falsy && !PyValues.truthy(v));
                return missing ? (args.isEmpty() ? "" : args.get(0)) : v;
            }
            case "string" -> {
                return PyValues.str(v);
            }
            case "int" -> {
                try {
                    return v instanceof String s ? Long.parseLong(s.strip()) : PyValues.toLong(v);
                } catch (RuntimeException e) {
                    return args.isEmpty() ? 0L : args.get(0);
                }
            }
            case "float" -> {
                return v instanceof String s ? Double.parseDouble(s.strip()) : ((Number) v).doubleValue();
            }
            case "list" -> {
                return PyValues.iterate(v);
            }
            case "replace" -> {
                return PyValues.str(v).replace(PyValues.str(args.get(0)), PyValues.str(args.get(1)));
            }
            case "reverse" -> {
                if (v instanceof String s) {
                    return new StringBuilder(s).reverse().toString();
                }
                List<Object> l = PyValues.iterate(v);
                java.util.Collections.reverse(l);
                return l;
            }
            case "items" -> {
                return PyValues.iterate(((ChatTemplate.Function) PyValues.attribute(v, "items")).call(List.of(), Map.of()));
            }
            case "map" -> {
                Object attribute = kwargs.get("attribute");
                List<Object> out = new ArrayList<>();
                for (Object x : PyValues.iterate(v)) {
                    out.add(attribute != null ? PyValues.attribute(x, PyValues.str(attribute))
                            : apply(PyValues.str(args.get(0)), x, args.subList(1, args.size()), Map.of()));
                }
                return out;
            }
            case "selectattr", "rejectattr" -> {
                boolean select = name.equals("selectattr");
                List<Object> out = new ArrayList<>();
                for (Object x : PyValues.iterate(v)) {
                    Object attr = PyValues.attribute(x, PyValues.str(args.get(0)));
                    boolean pass = args.size() > 1 ? test(PyValues.str(args.get(1)), attr, args.subList(2, args.size()))
                            : PyValues.truthy(attr);
                    if (pass == select) {
                        out.add(x);
                    }
                }
                return out;
            }
            case "select", "reject" -> {
                boolean select = name.equals("select");
                List<Object> out = new ArrayList<>();
                for (Object x : PyValues.iterate(v)) {
                    boolean pass = args.isEmpty() ? PyValues.truthy(x)
                            : test(PyValues.str(args.get(0)), x, args.subList(1, args.size()));
                    if (pass == select) {
                        out.add(x);
                    }
                }
                return out;
            }
            case "safe", "e", "escape" -> {
                return v; // autoescaping is off for chat templates, as in transformers
            }
            case "abs" -> {
                return v instanceof Long l ? Math.abs(l) : Math.abs(((Number) v).doubleValue());
            }
            case "dictsort" -> {
                Map<String, Object> m = new java.util.TreeMap<>(castMap(v));
                List<Object> out = new ArrayList<>();
                m.forEach((k, x) -> out.add(java.util.Arrays.asList(k, x)));
                return out;
            }
            default -> throw new ChatTemplateException("unknown filter '" + name + "'");
        }
    }

    static boolean test(String name, Object v, List<Object> args) {
        return switch (name) {
            case "defined" -> v != ChatTemplate.UNDEFINED;
            case "undefined" -> v == ChatTemplate.UNDEFINED;
            case "none" -> v == null;
            case "string" -> v instanceof String;
            case "number" -> v instanceof Long || v instanceof Double;
            case "integer" -> v instanceof Long;
            case "float" -> v instanceof Double;
            case "boolean" -> v instanceof Boolean;
            case "true" -> Boolean.TRUE.equals(v);
            case "false" -> Boolean.FALSE.equals(v);
            case "mapping" -> v instanceof Map<?, ?> || v instanceof ChatTemplate.Namespace;
            case "iterable" -> v instanceof List<?> || v instanceof Map<?, ?> || v instanceof String;
            case "sequence" -> v instanceof List<?> || v instanceof String || v instanceof Map<?, ?>;
            case "callable" -> v instanceof ChatTemplate.Function;
            case "even" -> PyValues.toLong(v) % 2 == 0;
            case "odd" -> PyValues.toLong(v) % 2 != 0;
            case "divisibleby" -> PyValues.toLong(v) % PyValues.toLong(args.get(0)) == 0;
            case "eq", "equalto", "==" -> PyValues.equal(v, args.get(0));
            case "ne", "!=" -> !PyValues.equal(v, args.get(0));
            case "lt" -> Boolean.TRUE.equals(PyValues.binary("<", v, args.get(0)));
            case "le" -> Boolean.TRUE.equals(PyValues.binary("<=", v, args.get(0)));
            case "gt" -> Boolean.TRUE.equals(PyValues.binary(">", v, args.get(0)));
            case "ge" -> Boolean.TRUE.equals(PyValues.binary(">=", v, args.get(0)));
            case "in" -> PyValues.contains(args.get(0), v);
            case "sameas" -> v == args.get(0) || PyValues.equal(v, args.get(0)) && v != null;
            case "lower" -> v instanceof String s && s.equals(s.toLowerCase(Locale.ROOT));
            case "upper" -> v instanceof String s && s.equals(s.toUpperCase(Locale.ROOT));
            default -> throw new ChatTemplateException("unknown test '" + name + "'");
        };
    }

    static String title(String s) {
        StringBuilder b = new StringBuilder();
        boolean start = true;
        for (char c : s.toCharArray()) {
            b.append(start ? Character.toUpperCase(c) : Character.toLowerCase(c));
            start = !Character.isLetterOrDigit(c);
        }
        return b.toString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Object v) {
        if (!(v instanceof Map<?, ?>)) {
            throw new ChatTemplateException(PyValues.repr(v) + " is not a mapping");
        }
        return new LinkedHashMap<>((Map<String, Object>) v);
    }

    /** Python's {@code json.dumps(x, ensure_ascii=False, indent=indent)}, as transformers' tojson filter. */
    static final class Json {

        private Json() {
        }

        static String dumps(Object v, int indent) {
            StringBuilder b = new StringBuilder();
            write(b, v, indent, 0);
            return b.toString();
        }

        private static void write(StringBuilder b, Object v, int indent, int depth) {
            if (v == null || v == ChatTemplate.UNDEFINED) {
                b.append("null");
            } else if (v instanceof Boolean x) {
                b.append(x ? "true" : "false");
            } else if (v instanceof Long x) {
                b.append(x);
            } else if (v instanceof Double x) {
                b.append(Double.isNaN(x) ? "NaN" : Double.isInfinite(x) ? (x > 0 ? "Infinity" : "-Infinity")
                        : PyValues.floatRepr(x));
            } else if (v instanceof String s) {
                string(b, s);
            } else if (v instanceof List<?> l) {
                if (l.isEmpty()) {
                    b.append("[]");
                    return;
                }
                b.append('[');
                for (int i = 0; i < l.size(); i++) {
                    if (i > 0) {
                        b.append(indent < 0 ? ", " : ",");
                    }
                    newline(b, indent, depth + 1);
                    write(b, l.get(i), indent, depth + 1);
                }
                newline(b, indent, depth);
                b.append(']');
            } else if (v instanceof Map<?, ?> || v instanceof ChatTemplate.Namespace) {
                Map<?, ?> m = v instanceof Map<?, ?> mm ? mm : ((ChatTemplate.Namespace) v).attributes;
                if (m.isEmpty()) {
                    b.append("{}");
                    return;
                }
                b.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (!first) {
                        b.append(indent < 0 ? ", " : ",");
                    }
                    first = false;
                    newline(b, indent, depth + 1);
                    string(b, String.valueOf(e.getKey()));
                    b.append(": ");
                    write(b, e.getValue(), indent, depth + 1);
                }
                newline(b, indent, depth);
                b.append('}');
            } else {
                string(b, String.valueOf(v));
            }
        }

        private static void newline(StringBuilder b, int indent, int depth) {
            if (indent >= 0) {
                b.append('\n').append(" ".repeat(indent * depth));
            }
        }

        private static void string(StringBuilder b, String s) {
            b.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"' -> b.append("\\\"");
                    case '\\' -> b.append("\\\\");
                    case '\n' -> b.append("\\n");
                    case '\r' -> b.append("\\r");
                    case '\t' -> b.append("\\t");
                    case '\b' -> b.append("\\b");
                    case '\f' -> b.append("\\f");
                    default -> {
                        if (c < 0x20) {
                            b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                        } else {
                            b.append(c);
                        }
                    }
                }
            }
            b.append('"');
        }
    }
}
