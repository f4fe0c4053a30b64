package dev.forkpoint.trainer.runs;

import dev.forkpoint.learner.config.InvalidConfigException;
import dev.forkpoint.learner.config.RunSpec;
import dev.forkpoint.learner.run.StepRecord;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;

/** Creating, reading, cancelling and resuming runs; the scheduler does the training. */
@Service
public class RunService {

    private final RunRepository runs;
    private final ApplicationEventPublisher events;

    public RunService(RunRepository runs, ApplicationEventPublisher events) {
        this.runs = runs;
        this.events = events;
    }

    /**
     * Parses a submitted run config document exactly as {@code forkpoint train} parses its file ({@link RunSpec#parse})
     * and queues it; throws {@link InvalidConfigException} naming every offending field.
     */
    public RunRepository.Inserted create(Map<String, ?> document, String idempotencyKey) {
        return create(RunSpec.parse(document), idempotencyKey);
    }

    public RunRepository.Inserted create(RunSpec config, String idempotencyKey) {
        RunRepository.Inserted inserted = runs.insert(config, idempotencyKey);
        if (inserted.created()) {
            events.publishEvent(new RunQueuedEvent(inserted.id()));
        }
        return inserted;
    }

    public Run get(long id) {
        return runs.find(id).orElseThrow(() -> new RunNotFoundException(id));
    }

    public List<Run> list(RunStatus status, int page, int size) {
        return runs.list(status, page, size);
    }

    public long count(RunStatus status) {
        return runs.count(status);
    }

    public Optional<Long> queuePosition(long id) {
        return runs.queuePosition(id);
    }

    public Optional<StepRecord> latestStep(long id) {
        return runs.latestStep(id);
    }

    public List<StepRecord> steps(long id, int from, int to) {
        get(id);
        return runs.steps(id, from, to);
    }

    /** A queued run is cancelled at once; a running one at its next step boundary. */
    public Run cancel(long id) {
        if (!runs.cancelQueued(id) && !runs.requestCancel(id)) {
            Run run = get(id);
            throw new RunStateConflictException("run " + id + " is " + run.status() + ": only QUEUED or RUNNING runs can be cancelled");
        }
        return get(id);
    }

    /** A FAILED or CANCELLED run goes back to the queue and continues from its latest checkpoint. */
    public Run resume(long id) {
        if (!runs.requeue(id)) {
            Run run = get(id);
            throw new RunStateConflictException("run " + id + " is " + run.status() + ": only FAILED or CANCELLED runs can be resumed");
        }
        events.publishEvent(new RunQueuedEvent(id));
        return get(id);
    }
}
