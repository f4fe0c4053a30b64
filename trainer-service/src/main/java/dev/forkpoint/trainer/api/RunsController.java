package dev.forkpoint.trainer.api;

import dev.forkpoint.trainer.checkpoints.CheckpointRecord;
import dev.forkpoint.trainer.checkpoints.CheckpointExports;
import dev.forkpoint.trainer.checkpoints.CheckpointRepository;
import dev.forkpoint.trainer.runs.Run;
import dev.forkpoint.trainer.runs.RunRepository;
import dev.forkpoint.trainer.runs.RunService;
import dev.forkpoint.trainer.runs.RunStatus;
import dev.forkpoint.learner.run.StepDownsampling;
import dev.forkpoint.learner.run.StepRecord;
import dev.forkpoint.rollout.hf.HfExport;
import dev.forkpoint.rollout.safetensors.DType;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.net.URI;
import java.util.List;
import java.util.Map;

/** HTTP mapping of the run lifecycle; the logic lives in {@link RunService}. */
@RestController
@RequestMapping("/api/v1/runs")
class RunsController {

    /** The most records {@code maxPoints} may ask of {@code /metrics}. */
    static final int MAX_POINTS = 10_000;

    private final RunService runs;
    private final CheckpointRepository checkpoints;
    private final CheckpointExports exports;
    private final ApiProperties properties;

    RunsController(RunService runs, CheckpointRepository checkpoints, CheckpointExports exports,
                   ApiProperties properties) {
        this.runs = runs;
        this.checkpoints = checkpoints;
        this.exports = exports;
        this.properties = properties;
    }

    /**
     * Queues a run: 201 with Location; with a repeated Idempotency-Key and the same config, 200 and the run created
     * before; with a repeated key and a different config, 422 naming Idempotency-Key.
     */
    @PostMapping
    @Operation(summary = "Queue a run",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
                    description = "The run config; every key has a default (docs/config-reference.md).",
                    content = @Content(mediaType = "application/json",
                            schema = @Schema(ref = OpenApiDescription.RUN_CONFIG_SCHEMA))),
            responses = {
                @ApiResponse(responseCode = "201", description = "Queued; Location names the run",
                        content = @Content(schema = @Schema(implementation = RunView.class))),
                @ApiResponse(responseCode = "200", description = "A repeated Idempotency-Key with the same config: the "
                        + "run created before", content = @Content(schema = @Schema(implementation = RunView.class))),
                @ApiResponse(responseCode = "400", description = "Invalid config: errors[] names each field",
                        content = @Content(mediaType = "application/problem+json",
                                schema = @Schema(ref = OpenApiDescription.PROBLEM_SCHEMA))),
                @ApiResponse(responseCode = "401", description = "Missing or wrong bearer token",
                        content = @Content(mediaType = "application/problem+json",
                                schema = @Schema(ref = OpenApiDescription.PROBLEM_SCHEMA))),
                @ApiResponse(responseCode = "413", description = "Body larger than forkpoint.api.max-request-bytes",
                        content = @Content(mediaType = "application/problem+json",
                                schema = @Schema(ref = OpenApiDescription.PROBLEM_SCHEMA))),
                @ApiResponse(responseCode = "422", description = "The Idempotency-Key was used with another config",
                        content = @Content(mediaType = "application/problem+json",
                                schema = @Schema(ref = OpenApiDescription.PROBLEM_SCHEMA)))})
    ResponseEntity<RunView> create(@RequestBody Map<String, Object> config,
                                   @RequestHeader(value = "Idempotency-Key", required = false) String idempotencyKey,
                                   UriComponentsBuilder uri) {
        if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > 200)) {
            throw new InvalidParameterException("Idempotency-Key", "Idempotency-Key: must be 1-200 characters");
        }
        RunRepository.Inserted inserted = runs.create(config, idempotencyKey);
        URI location = uri.path("/api/v1/runs/{id}").buildAndExpand(inserted.id()).toUri();
        return ResponseEntity.status(inserted.created() ? HttpStatus.CREATED : HttpStatus.OK)
                .location(location).body(view(runs.get(inserted.id())));
    }

    @GetMapping
    RunPage list(@RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "20") int size,
                 @RequestParam(required = false) RunStatus status) {
        if (page < 0) {
            throw new InvalidParameterException("page", "page = " + page + ": must be >= 0");
        }
        if (size < 1 || size > properties.maxPageSize()) {
            throw new InvalidParameterException("size", "size = " + size + ": must be between 1 and " + properties.maxPageSize());
        }
        List<RunView> items = runs.list(status, page, size).stream().map(this::view).toList();
        return new RunPage(items, page, size, runs.count(status));
    }

    @GetMapping("/{id}")
    RunView get(@PathVariable long id) {
        return view(runs.get(id));
    }

    /** 202: a queued run is cancelled now, a running one at its next step boundary. */
    @PostMapping("/{id}/cancel")
    ResponseEntity<RunView> cancel(@PathVariable long id) {
        return ResponseEntity.accepted().body(view(runs.cancel(id)));
    }

    /** 202: a FAILED or CANCELLED run is queued again and continues from its latest checkpoint. */
    @PostMapping("/{id}/resume")
    ResponseEntity<RunView> resume(@PathVariable long id) {
        return ResponseEntity.accepted().body(view(runs.resume(id)));
    }

    /**
     * Per-step metrics with {@code from <= step <= to}; with {@code maxPoints}, at most that many records, each the
     * mean of consecutive steps carrying the last of them ({@link StepDownsampling}), for drawing long runs.
     */
    @GetMapping("/{id}/metrics")
    List<StepRecord> metrics(@PathVariable long id, @RequestParam(defaultValue = "1") int from,
                             @RequestParam(defaultValue = "2147483647") int to,
                             @RequestParam(required = false) Integer maxPoints) {
        if (from < 0) {
            throw new InvalidParameterException("from", "from = " + from + ": must be >= 0");
        }
        if (to < from) {
            throw new InvalidParameterException("to", "to = " + to + ": must be >= from = " + from);
        }
        if (maxPoints != null && (maxPoints < 2 || maxPoints > MAX_POINTS)) {
            throw new InvalidParameterException("maxPoints", "maxPoints = " + maxPoints + ": must be between 2 and "
                    + MAX_POINTS);
        }
        List<StepRecord> steps = runs.steps(id, from, to);
        return maxPoints == null ? steps : StepDownsampling.downsample(steps, maxPoints);
    }

    /** Retained checkpoints, newest first; {@code best} marks the best by evaluation accuracy. */
    @GetMapping("/{id}/checkpoints")
    List<CheckpointRecord> checkpoints(@PathVariable long id) {
        runs.get(id);
        return checkpoints.forRun(id);
    }

    /**
     * Writes the checkpoint of {@code step} as a Hugging Face model directory under {@code <forkpoint.home>/exports}
     * (what {@code forkpoint export} writes): 201 with its path and files, 200 when it was exported before, 404 for
     * a step without a retained checkpoint, 422 for a checkpoint of the built-in model.
     */
    @PostMapping("/{id}/checkpoints/{step}/export")
    @Operation(summary = "Export a checkpoint as a Hugging Face model directory")
    ResponseEntity<CheckpointExports.Export> export(@PathVariable long id, @PathVariable int step,
                                                    @RequestParam(defaultValue = "f32") String dtype,
                                                    @RequestParam(defaultValue = "5GB") String maxShardSize) {
        runs.get(id);
        DType type;
        long shard;
        try {
            type = HfExport.dtype(dtype);
        } catch (IllegalArgumentException e) {
            throw new InvalidParameterException("dtype", "dtype = " + dtype + ": must be f32 or bf16");
        }
        try {
            shard = HfExport.parseSize(maxShardSize, "maxShardSize =");
        } catch (IllegalArgumentException e) {
            throw new InvalidParameterException("maxShardSize", e.getMessage());
        }
        CheckpointExports.Export e = exports.export(id, step, type, shard);
        return ResponseEntity.status(e.created() ? HttpStatus.CREATED : HttpStatus.OK).body(e);
    }

    private RunView view(Run run) {
        Long position = run.status() == RunStatus.QUEUED ? runs.queuePosition(run.id()).orElse(null) : null;
        StepRecord latest = runs.latestStep(run.id()).orElse(null);
        return RunView.of(run, position, latest);
    }
}
