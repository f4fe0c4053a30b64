package dev.forkpoint.trainer.api;

import dev.forkpoint.learner.config.FieldError;
import dev.forkpoint.learner.config.InvalidConfigException;
import dev.forkpoint.trainer.runs.IdempotencyKeyReusedException;
import dev.forkpoint.trainer.checkpoints.CheckpointExportException;
import dev.forkpoint.trainer.checkpoints.CheckpointNotFoundException;
import dev.forkpoint.trainer.runs.RunNotFoundException;
import dev.forkpoint.trainer.runs.RunStateConflictException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Every API error as RFC 9457 problem+json. Validation problems carry {@code errors}: a list of
 * {@code {field, message}} whose {@code field} is the JSON path of the offending value
 * (e.g. {@code training.groupSize}); {@code detail} repeats the messages.
 */
@RestControllerAdvice
class ApiExceptionHandler extends ResponseEntityExceptionHandler {

    /** The learner's config parser refused the document; the same messages {@code forkpoint train} prints. */
    @ExceptionHandler(InvalidConfigException.class)
    ProblemDetail invalidConfig(InvalidConfigException e) {
        return badRequest("Invalid run config", e.errors());
    }

    @ExceptionHandler(InvalidParameterException.class)
    ProblemDetail invalidParameter(InvalidParameterException e) {
        return badRequest("Invalid request parameter", List.of(new FieldError(e.field(), e.getMessage())));
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ProblemDetail typeMismatch(MethodArgumentTypeMismatchException e) {
        return badRequest("Invalid request parameter", List.of(new FieldError(e.getName(),
                e.getName() + " = '" + e.getValue() + "': not a valid " + typeName(e.getRequiredType()))));
    }

    /** 422 as in the IETF Idempotency-Key draft: the key was used before with a different request body. */
    @ExceptionHandler(IdempotencyKeyReusedException.class)
    ProblemDetail idempotencyKeyReused(IdempotencyKeyReusedException e) {
        ProblemDetail problem = problem(HttpStatus.UNPROCESSABLE_CONTENT, "Idempotency-Key reused", e.getMessage());
        problem.setProperty("errors", List.of(new FieldError("Idempotency-Key", e.getMessage())));
        problem.setProperty("runId", e.existingRunId());
        return problem;
    }

    @ExceptionHandler(RunNotFoundException.class)
    ProblemDetail notFound(RunNotFoundException e) {
        return problem(HttpStatus.NOT_FOUND, "Run not found", e.getMessage());
    }

    @ExceptionHandler(CheckpointNotFoundException.class)
    ProblemDetail checkpointNotFound(CheckpointNotFoundException e) {
        return problem(HttpStatus.NOT_FOUND, "Checkpoint not found", e.getMessage());
    }

    @ExceptionHandler(CheckpointExportException.class)
    ProblemDetail cannotExport(CheckpointExportException e) {
        return problem(HttpStatus.UNPROCESSABLE_CONTENT, "Checkpoint cannot be exported", e.getMessage());
    }

    @ExceptionHandler(RunStateConflictException.class)
    ProblemDetail conflict(RunStateConflictException e) {
        return problem(HttpStatus.CONFLICT, "Run state conflict", e.getMessage());
    }

    /** Unreadable bodies: too large, malformed JSON, unknown properties and wrong types, each naming its field. */
    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e, HttpHeaders headers,
                                                                  HttpStatusCode status, WebRequest request) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof PayloadTooLargeException tooLarge) {
                return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE)
                        .body(problem(HttpStatus.CONTENT_TOO_LARGE, "Request body too large", tooLarge.getMessage()));
            }
        }
        JacksonException json = cause(e, JacksonException.class);
        if (json == null) {
            return ResponseEntity.badRequest().body(badRequest("Unreadable request body",
                    List.of(new FieldError("body", "missing or unreadable request body"))));
        }
        String field = path(json);
        String message;
        if (json instanceof StreamReadException syntax) {
            field = "body";
            message = "malformed JSON: " + syntax.getOriginalMessage();
        } else if (json instanceof UnrecognizedPropertyException unknown) {
            String known = unknown.getKnownPropertyIds() == null ? "" : unknown.getKnownPropertyIds().stream()
                    .map(String::valueOf).sorted().collect(Collectors.joining(", "));
            message = field + ": unknown property" + (known.isEmpty() ? "" : "; known properties here: " + known);
        } else if (field.isEmpty()) {
            field = "body";
            message = "malformed JSON: " + json.getOriginalMessage();
        } else {
            message = field + ": " + json.getOriginalMessage();
        }
        return ResponseEntity.badRequest().body(badRequest("Invalid run config",
                List.of(new FieldError(field, message))));
    }

    private static String path(JacksonException e) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference ref : e.getPath()) {
            if (ref.getPropertyName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(ref.getPropertyName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static <T extends Throwable> T cause(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static ProblemDetail badRequest(String title, List<FieldError> errors) {
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, title,
                errors.stream().map(FieldError::message).collect(Collectors.joining("; ")));
        problem.setProperty("errors", errors);
        return problem;
    }

    private static ProblemDetail problem(HttpStatus status, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        return problem;
    }

    private static String typeName(Class<?> type) {
        if (type == null) {
            return "value";
        }
        if (type.isEnum()) {
            return "value; one of " + java.util.Arrays.toString(type.getEnumConstants());
        }
        return type.getSimpleName();
    }
}
