package dev.forkpoint.trainer.api;

import dev.forkpoint.learner.config.RunSpec;
import dev.forkpoint.learner.config.schema.Child;
import dev.forkpoint.learner.config.schema.External;
import dev.forkpoint.learner.config.schema.Field;
import dev.forkpoint.learner.config.schema.Nested;
import dev.forkpoint.learner.config.schema.Section;
import dev.forkpoint.rollout.task.Tasks;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The generated OpenAPI description ({@code /v3/api-docs}, springdoc): title, bearer scheme, and the typed schemas
 * of the run config, written from the learner's config declaration ({@link RunSpec#SCHEMA}, every objective part,
 * the task registry), so that they list the same keys, defaults and ranges as the parser enforces. Every operation
 * documents its problem responses (RFC 9457 {@code application/problem+json}).
 */
@Configuration(proxyBeanMethods = false)
@OpenAPIDefinition(info = @Info(title = "Forkpoint trainer API", version = "v1",
        description = "Launch and watch RLVR training runs. Mutating requests need Authorization: Bearer <token>."))
@SecurityScheme(name = "bearer", type = SecuritySchemeType.HTTP, scheme = "bearer")
class OpenApiDescription {

    static final String RUN_CONFIG_SCHEMA = "#/components/schemas/RunConfig";
    static final String PROBLEM_SCHEMA = "#/components/schemas/Problem";
    private static final String PREFIX = "#/components/schemas/";

    @Bean
    OpenApiCustomizer forkpointSchemas() {
        return openApi -> {
            Components components = openApi.getComponents() == null ? new Components() : openApi.getComponents();
            openApi.setComponents(components);
            components.addSchemas("RunConfig", section(RunSpec.SCHEMA, "RunConfig", components));
            components.addSchemas("Task", taskSchema());
            components.addSchemas("Problem", problemSchema());
            if (openApi.getPaths() != null) {
                openApi.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, op) ->
                        addProblemResponses(path, method.name(), op)));
            }
        };
    }

    /** The schema of a section; nested sections become components of their own, named after their key. */
    private static Schema<?> section(Section<?> section, String name, Components components) {
        ObjectSchema s = new ObjectSchema();
        s.setDescription(section.help());
        s.setAdditionalProperties(false);
        if (section.selector() != null) {
            StringSchema preset = new StringSchema();
            preset.setEnum(section.selector().names());
            preset.setDescription(section.selector().help());
            s.addProperty(section.selector().key(), preset);
        }
        for (Field<?, ?> f : section.fields()) {
            s.addProperty(f.key(), field(f));
        }
        for (Child<?, ?> c : section.children()) {
            if (c instanceof Nested<?, ?> n) {
                String component = name.equals("RunConfig") ? capitalise(n.key())
                        : name + capitalise(n.key());
                components.addSchemas(component, section(n.section(), component, components));
                Schema<?> ref = new Schema<>().$ref(PREFIX + component);
                s.addProperty(n.key(), presence(ref, n.section()));
            } else if (c instanceof External<?, ?> e) {
                Schema<?> ref = new Schema<>().$ref(PREFIX + "Task");
                ref.setDescription(e.help());
                s.addProperty(e.key(), ref);
            }
        }
        return s;
    }

    /** A part that can be off is nullable; the description says when it is on. */
    private static Schema<?> presence(Schema<?> ref, Section<?> section) {
        return switch (section.presence()) {
            case ALWAYS -> ref;
            case OPTIONAL -> new Schema<>().nullable(true).description(section.help()
                    + " Off unless given: {} turns it on with its defaults, null turns it off.").allOf(List.of(ref));
            case BOUND -> new Schema<>().nullable(true).description(section.help() + " Only used "
                    + section.boundDoc() + ".").allOf(List.of(ref));
        };
    }

    private static Schema<?> field(Field<?, ?> f) {
        Schema<Object> s = new Schema<>();
        s.setType(f.kind().jsonType());
        if (f.kind() == Field.Kind.LONG) {
            s.setFormat("int64");
        }
        if (f.kind() == Field.Kind.CHOICE_LIST) {
            Schema<Object> item = new Schema<>();
            item.setType("string");
            item.setEnum(new ArrayList<>(f.choices()));
            s.setItems(item);
            s.setUniqueItems(true);
        } else if (!f.choices().isEmpty()) {
            s.setEnum(new ArrayList<>(f.choices()));
        }
        if (f.min() != null) {
            s.setMinimum(BigDecimal.valueOf(f.min()));
            if (f.minExclusive()) {
                s.setExclusiveMinimum(true);
            }
        }
        if (f.max() != null) {
            s.setMaximum(BigDecimal.valueOf(f.max()));
            if (f.maxExclusive()) {
                s.setExclusiveMaximum(true);
            }
        }
        if (f.defaultValue() != null) {
            s.setDefault(f.defaultValue());
        }
        if (f.pattern() != null) {
            s.setPattern(f.pattern());
        }
        StringBuilder d = new StringBuilder(f.help());
        if (f.derivedDefaultDoc() != null) {
            d.append(" Default: ").append(f.derivedDefaultDoc()).append('.');
        }
        if (f.isNullable()) {
            s.setNullable(true);
            d.append(" Null (the default): ").append(f.nullMeans()).append('.');
        }
        if (f.appliesDoc() != null) {
            d.append(" Only used ").append(f.appliesDoc()).append('.');
        }
        if (f.source() != null) {
            d.append(" Source: ").append(f.source()).append('.');
        }
        s.setDescription(d.toString());
        return s;
    }

    /** One schema per registered task, told apart by {@code name}. */
    private static Schema<?> taskSchema() {
        List<Schema> variants = new ArrayList<>();
        for (Tasks.Description t : Tasks.descriptions()) {
            ObjectSchema v = new ObjectSchema();
            v.setDescription(t.help());
            v.setAdditionalProperties(false);
            StringSchema name = new StringSchema();
            name.setEnum(List.of(t.name()));
            v.addProperty("name", name);
            List<String> required = new ArrayList<>(List.of("name"));
            required.addAll(t.required());
            v.setRequired(required);
            for (Map.Entry<String, Object> e : t.defaults().entrySet()) {
                Schema<Object> p = new Schema<>();
                Object d = e.getValue();
                if (d instanceof List<?>) {
                    p = new ArraySchema().items(new StringSchema());
                } else {
                    p.setType(d instanceof Integer || d instanceof Long ? "integer" : d instanceof Number ? "number"
                            : "string");
                }
                if (d != null) {
                    p.setDefault(d);
                } else if (!t.required().contains(e.getKey())) {
                    p.setNullable(true);
                }
                v.addProperty(e.getKey(), p);
            }
            variants.add(v);
        }
        Schema<Object> task = new Schema<>();
        task.setOneOf(variants);
        task.setDescription("The task, chosen by name: " + String.join(", ", Tasks.names())
                + ". Default {name: countdown}.");
        return task;
    }

    private static Schema<?> problemSchema() {
        ObjectSchema error = new ObjectSchema();
        error.addProperty("field", new StringSchema().description("dotted path of the offending value, e.g. "
                + "training.groupSize, or a parameter or header name"));
        error.addProperty("message", new StringSchema().description("what is wrong and what is allowed"));
        ObjectSchema p = new ObjectSchema();
        p.setDescription("RFC 9457 problem details");
        p.addProperty("type", new StringSchema());
        p.addProperty("title", new StringSchema());
        p.addProperty("status", new Schema<Integer>().type("integer"));
        p.addProperty("detail", new StringSchema());
        p.addProperty("instance", new StringSchema());
        p.addProperty("errors", new ArraySchema().items(error).description("one entry per offending field (400, 422)"));
        return p;
    }

    /** The problem answers every operation can give, added where the controller did not document them. */
    private static void addProblemResponses(String path, String method, Operation op) {
        ApiResponses responses = op.getResponses() == null ? new ApiResponses() : op.getResponses();
        op.setResponses(responses);
        if (path.startsWith("/api/")) {
            problem(responses, "400", "Invalid parameter or body: errors[] names each field");
            problem(responses, "401", method.equals("GET")
                    ? "Missing or wrong bearer token (only with forkpoint.security.protect-reads)"
                    : "Missing or wrong bearer token");
        }
        if (path.contains("{id}")) {
            problem(responses, "404", "No run with this id");
        }
        if (path.endsWith("/cancel") || path.endsWith("/resume")) {
            problem(responses, "409", "The run's status does not allow it");
        }
    }

    private static void problem(ApiResponses responses, String code, String description) {
        if (responses.containsKey(code)) {
            return;
        }
        responses.addApiResponse(code, new ApiResponse().description(description).content(new Content()
                .addMediaType("application/problem+json", new MediaType().schema(new Schema<>().$ref(PROBLEM_SCHEMA)))));
    }

    private static String capitalise(String key) {
        return Character.toUpperCase(key.charAt(0)) + key.substring(1);
    }
}
