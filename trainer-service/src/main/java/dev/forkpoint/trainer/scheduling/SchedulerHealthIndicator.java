package dev.forkpoint.trainer.scheduling;

import dev.forkpoint.trainer.runs.RunRepository;
import dev.forkpoint.trainer.runs.RunStatus;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;

/**
 * {@code /actuator/health} component "scheduler": DOWN when the queue cannot be polled (last poll failed
 * or is overdue); details say which runs this process trains and how many wait.
 */
@Component("scheduler")
public class SchedulerHealthIndicator implements HealthIndicator {

    private final RunScheduler scheduler;
    private final RunRepository runs;
    private final SchedulerProperties properties;

    public SchedulerHealthIndicator(RunScheduler scheduler, RunRepository runs, SchedulerProperties properties) {
        this.scheduler = scheduler;
        this.runs = runs;
        this.properties = properties;
    }

    @Override
    public Health health() {
        Health.Builder health = Health.up();
        if (!scheduler.hasEngine()) {
            health.withDetail("engine", "none: runs stay QUEUED until a TrainingEngine is wired");
        } else {
            Instant last = scheduler.lastPoll();
            Duration overdue = properties.pollInterval().multipliedBy(10).plusSeconds(30);
            if (scheduler.lastPollError() != null) {
                health = Health.down().withDetail("lastPollError", scheduler.lastPollError());
            } else if (!scheduler.stopping() && last != null && last.plus(overdue).isBefore(Instant.now())) {
                health = Health.down().withDetail("reason", "queue not polled since " + last);
            }
            health.withDetail("engine", "present");
        }
        return health.withDetail("concurrency", scheduler.concurrency())
                .withDetail("activeRuns", scheduler.activeRuns())
                .withDetail("queued", runs.count(RunStatus.QUEUED))
                .withDetail("lastPoll", String.valueOf(scheduler.lastPoll()))
                .build();
    }
}
