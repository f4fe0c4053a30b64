package dev.forkpoint.rollout.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Jinja that chat templates use. Every expected string here is what jinja2 3.1.2 rendered for the same template
 * in an ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, loopcontrols) with transformers' tojson,
 * i.e. as transformers renders chat templates.
 */
class ChatTemplateTest {

    private static String render(String template, Map<String, ?> vars) {
        return ChatTemplate.parse(template).render(vars);
    }

    private static String render(String template) {
        return render(template, Map.of());
    }

    @Test
    void trimBlocksLstripBlocksAndWhitespaceMarkers() {
        // trim_blocks drops the newline after a block tag; lstrip_blocks the indentation before it.
        assertEquals("a\nb", render("{% if true %}\na\n    {% endif %}\nb\n"), "one trailing newline is dropped");
        assertEquals("x y", render("x {{- ' ' -}} y"));
        assertEquals("xy", render("x   {%- if true -%}   y{% endif %}"));
        assertEquals("\n  kept\n", render("{% if true +%}\n  kept\n{% endif %}"), "+%} keeps the newline");
        assertEquals("x  y", render("  {% if true %}x{% endif %}  {% if true %}y{% endif %}"),
                "lstrip_blocks only at the start of a line");
        assertEquals("a b", render("a\n  {%- if true %} b{% endif %}"));
        assertEquals("1\n2\n", render("{% for i in [1, 2] %}\n{{ i }}\n{% endfor %}"));
        assertEquals("ab", render("a{# comment #}\nb"), "a comment also drops its newline");
    }

    @Test
    void loopsWithTheirVariablesFiltersElseAndControls() {
        assertEquals("0:a,1:b,2:c", render("{% for x in ['a','b','c'] %}{{ loop.index0 }}:{{ x }}"
                + "{% if not loop.last %},{% endif %}{% endfor %}"));
        assertEquals("13", render("{% for x in [1,2,3] if x != 2 %}{{ x }}{% endfor %}"));
        assertEquals("none", render("{% for x in [] %}{{ x }}{% else %}none{% endfor %}"));
        assertEquals("13", render("{% for x in [1,2,3,4] %}{% if x == 2 %}{% continue %}{% endif %}"
                + "{% if x == 4 %}{% break %}{% endif %}{{ x }}{% endfor %}"));
        java.util.Map<String, Object> d = new java.util.LinkedHashMap<>();
        d.put("a", 1);
        d.put("b", 2);
        assertEquals("a=1;b=2;", render("{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}", Map.of("d", d)));
    }

    @Test
    void setInsideALoopStaysThereWhileANamespaceCarriesOut() {
        assertEquals("0", render("{% set n = 0 %}{% for x in [1,2] %}{% set n = n + x %}{% endfor %}{{ n }}"));
        assertEquals("3", render("{% set ns = namespace(n=0) %}{% for x in [1,2] %}{% set ns.n = ns.n + x %}"
                + "{% endfor %}{{ ns.n }}"));
    }

    @Test
    void pythonValueSemantics() {
        assertEquals("cba", render("{{ 'abc'[::-1] }}"));
        assertEquals("[3, 2]", render("{{ [1,2,3][:0:-1] }}"));
        assertEquals("c", render("{{ 'abc'[-1] }}"));
        assertEquals("['a', 'b', '']", render("{{ 'a,b,'.split(',') }}"));
        assertEquals("x", render("{{ '\\n x \\n'.strip() }}"));
        assertEquals("y\n", render("{{ '\\n\\ny\\n'.lstrip('\\n') }}"));
        assertEquals("True False", render("{{ 'abc'.startswith('a') }} {{ 'b' in 'xyz' }}"));
        assertEquals("None", render("{{ none }}"));
        assertEquals("2.5 2 1", render("{{ 5 / 2 }} {{ 5 // 2 }} {{ 7 % 3 }}"));
        assertEquals("ab", render("{{ 'a' ~ 'b' }}"));
        assertEquals("1e-05 0.30000000000000004 1e+16 123.0", render("{{ 1e-05 }} {{ 0.1 + 0.2 }} {{ 1e16 }} {{ 123.0 }}"));
        assertEquals("[1, 'a', None, True] {'k': 'v'}", render("{{ [1, 'a', none, true] }} {{ {'k': 'v'} }}"));
        assertEquals("yes", render("{{ 'yes' if [0] else 'no' }}"));
        assertEquals("", render("{{ missing }}{{ missing.attr }}"));
        assertEquals("user", render("{{ m.role }}{{ m['x'] }}", Map.of("m", Map.of("role", "user"))));
    }

    @Test
    void testsAndFilters() {
        assertEquals("TrueFalseTrue", render("{{ x is defined }}{{ y is defined }}{{ x is string }}",
                Map.of("x", "s")));
        assertEquals("True", render("{{ f is false }}", Map.of("f", false)));
        assertEquals("True", render("{{ n is not none }}", Map.of("n", 1)));
        assertEquals("3 a c", render("{{ l | length }} {{ l | first }} {{ l | last }}", Map.of("l", List.of("a", "b", "c"))));
        java.util.Map<String, Object> d = new java.util.LinkedHashMap<>();
        d.put("a", java.util.Arrays.asList(1, 2.5, null, true));
        d.put("b", "é\n");
        assertEquals("{\"a\": [1, 2.5, null, true], \"b\": \"é\\n\"}", render("{{ d | tojson }}", Map.of("d", d)));
        assertEquals("{\n  \"a\": 1\n}", render("{{ {'a': 1} | tojson(indent=2) }}"));
        assertEquals("x", render("{{ ' x ' | trim }}"));
        assertEquals("d", render("{{ missing | default('d') }}"));
    }

    @Test
    void macrosAndGlobals() {
        assertEquals("<b>x</b>", render("{% macro bold(t) %}<b>{{ t }}</b>{% endmacro %}{{ bold('x') }}"));
        assertEquals("012", render("{% for i in range(3) %}{{ i }}{% endfor %}"));
        ChatTemplateException e = assertThrows(ChatTemplateException.class,
                () -> render("{{ raise_exception('roles must alternate') }}"));
        assertTrue(e.getMessage().contains("roles must alternate"), e.getMessage());
    }

    @Test
    void unsupportedOrBrokenTemplatesAreNamed() {
        assertTrue(assertThrows(ChatTemplateException.class, () -> render("{% include 'x' %}")).getMessage()
                .contains("unsupported statement"));
        assertTrue(assertThrows(ChatTemplateException.class, () -> render("{% if x %}open")).getMessage()
                .contains("ends inside a block"));
        assertTrue(assertThrows(ChatTemplateException.class, () -> render("{{ x | frobnicate }}")).getMessage()
                .contains("unknown filter 'frobnicate'"));
        assertTrue(assertThrows(ChatTemplateException.class, () -> render("{{ 'a' + 1 }}")).getMessage()
                .contains("unsupported operand"));
    }
}
