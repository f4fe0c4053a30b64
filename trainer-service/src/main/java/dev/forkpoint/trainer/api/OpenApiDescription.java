package dev.forkpoint.trainer.api;

import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import io.swagger.v3.oas.models.media.ObjectSchema;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Title and the bearer scheme of the generated OpenAPI description ({@code /v3/api-docs}, springdoc). */
@Configuration(proxyBeanMethods = false)
@OpenAPIDefinition(info = @Info(title = "Forkpoint trainer API", version = "v1",
        description = "Launch and watch RLVR training runs. Mutating requests need Authorization: Bearer <token>."))
@SecurityScheme(name = "bearer", type = SecuritySchemeType.HTTP, scheme = "bearer")
class OpenApiDescription {

    static {
        // task/objective are free-form Jackson 3 objects; swagger-core would introspect ObjectNode's setters
        SpringDocUtils.getConfig()
                .replaceWithSchema(ObjectNode.class, new ObjectSchema().description("free-form JSON object"))
                .replaceWithSchema(JsonNode.class, new ObjectSchema().description("free-form JSON value"));
    }
}
