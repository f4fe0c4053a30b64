package dev.forkpoint.trainer.runs;

import dev.forkpoint.learner.config.RunSpec;
import dev.forkpoint.learner.run.StepRecord;
import dev.forkpoint.learner.run.StepReport;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** SQL for {@code runs} and {@code run_steps} (schema: db-migrations V1). */
@Repository
public class RunRepository {

    private static final String RUN_COLUMNS = "id, name, status, config::text AS config, priority, total_steps, current_step, "
            + "device, error_reason, notes::text AS notes, cancel_requested, attempts, created_at, started_at, finished_at";
    private static final String STEP_COLUMNS = "step, reward, accuracy, entropy, kl, clipfrac, tokens_per_s, tokens_sampled, "
            + "eval_accuracy, rollout_ms, update_ms, metrics::text AS metrics, recorded_at";
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final RowMapper<Run> runRow = this::mapRun;
    private final RowMapper<StepRecord> stepRow = this::mapStep;

    public RunRepository(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /**
     * Inserts a QUEUED run; with an idempotency key already used for the same config, returns the existing run's id
     * instead, and with one used for a different config throws {@link IdempotencyKeyReusedException}.
     */
    public Inserted insert(RunSpec config, String idempotencyKey) {
        String configJson = json.writeValueAsString(config.toDocument());
        Optional<Long> id = jdbc.sql("""
                        INSERT INTO runs (name, config, priority, total_steps, idempotency_key)
                        VALUES (:name, CAST(:config AS jsonb), :priority, :steps, :key)
                        ON CONFLICT (idempotency_key) DO NOTHING RETURNING id""")
                .param("name", config.name())
                .param("config", configJson)
                .param("priority", config.priority())
                .param("steps", config.training().steps())
                .param("key", idempotencyKey)
                .query(Long.class).optional();
        if (id.isPresent()) {
            return new Inserted(id.get(), true);
        }
        // Both sides are canonical documents (every key explicit), so jsonb equality compares what would run.
        Map<String, Object> existing = jdbc.sql("""
                        SELECT id, config = CAST(:config AS jsonb) AS same FROM runs WHERE idempotency_key = :key""")
                .param("key", idempotencyKey).param("config", configJson).query().singleRow();
        long existingId = ((Number) existing.get("id")).longValue();
        if (!Boolean.TRUE.equals(existing.get("same"))) {
            throw new IdempotencyKeyReusedException(idempotencyKey, existingId);
        }
        return new Inserted(existingId, false);
    }

    /** The id of a POSTed run and whether this request created it (false: an idempotent repeat). */
    public record Inserted(long id, boolean created) {
    }

    public Optional<Run> find(long id) {
        return jdbc.sql("SELECT " + RUN_COLUMNS + " FROM runs WHERE id = :id").param("id", id).query(runRow).optional();
    }

    public List<Run> list(RunStatus status, int page, int size) {
        return jdbc.sql("SELECT " + RUN_COLUMNS + " FROM runs WHERE (CAST(:status AS text) IS NULL OR status = :status) "
                        + "ORDER BY id DESC LIMIT :size OFFSET :offset")
                .param("status", status == null ? null : status.name())
                .param("size", size)
                .param("offset", (long) page * size)
                .query(runRow).list();
    }

    public long count(RunStatus status) {
        return jdbc.sql("SELECT count(*) FROM runs WHERE (CAST(:status AS text) IS NULL OR status = :status)")
                .param("status", status == null ? null : status.name())
                .query(Long.class).single();
    }

    /** 1-based place of a QUEUED run in the scheduler's order (priority, then FIFO); empty when not queued. */
    public Optional<Long> queuePosition(long id) {
        return jdbc.sql("""
                        SELECT pos FROM (
                          SELECT id, row_number() OVER (ORDER BY priority DESC, queued_at, id) AS pos
                          FROM runs WHERE status = 'QUEUED') q
                        WHERE id = :id""")
                .param("id", id).query(Long.class).optional();
    }

    /** QUEUED -> CANCELLED at once; true if it was queued. */
    public boolean cancelQueued(long id) {
        return jdbc.sql("""
                        UPDATE runs SET status = 'CANCELLED', finished_at = now(), updated_at = now(),
                               error_reason = 'cancelled while queued'
                        WHERE id = :id AND status = 'QUEUED'""")
                .param("id", id).update() == 1;
    }

    /** Flags a RUNNING run; its executor stops at the next step boundary. True if it was running. */
    public boolean requestCancel(long id) {
        return jdbc.sql("UPDATE runs SET cancel_requested = true, updated_at = now() WHERE id = :id AND status = 'RUNNING'")
                .param("id", id).update() == 1;
    }

    public boolean cancelRequested(long id) {
        return jdbc.sql("SELECT cancel_requested FROM runs WHERE id = :id").param("id", id)
                .query(Boolean.class).optional().orElse(true);
    }

    /** FAILED or CANCELLED -> QUEUED; the scheduler then continues it from its latest checkpoint. */
    public boolean requeue(long id) {
        return jdbc.sql("""
                        UPDATE runs SET status = 'QUEUED', cancel_requested = false, error_reason = NULL,
                               finished_at = NULL, queued_at = now(), updated_at = now()
                        WHERE id = :id AND status IN ('FAILED', 'CANCELLED')""")
                .param("id", id).update() == 1;
    }

    public List<StepRecord> steps(long runId, int from, int to) {
        return jdbc.sql("SELECT " + STEP_COLUMNS + " FROM run_steps WHERE run_id = :id AND step BETWEEN :from AND :to ORDER BY step")
                .param("id", runId).param("from", from).param("to", to)
                .query(stepRow).list();
    }

    public Optional<StepRecord> latestStep(long runId) {
        return jdbc.sql("SELECT " + STEP_COLUMNS + " FROM run_steps WHERE run_id = :id ORDER BY step DESC LIMIT 1")
                .param("id", runId).query(stepRow).optional();
    }

    // ---- transitions made by the scheduler's executors (all guarded by status = 'RUNNING') ----

    /** Records a completed step (upsert, so a step redone after a resume replaces its row) and advances the run. */
    public void recordStep(long runId, StepReport report) {
        StepRecord r = StepRecord.of(report, null);
        jdbc.sql("""
                        INSERT INTO run_steps (run_id, step, reward, accuracy, entropy, kl, clipfrac, tokens_per_s,
                                               tokens_sampled, eval_accuracy, rollout_ms, update_ms, metrics)
                        VALUES (:run, :step, :reward, :accuracy, :entropy, :kl, :clipfrac, :tps, :tokens, :eval,
                                :rollout, :update, CAST(:metrics AS jsonb))
                        ON CONFLICT (run_id, step) DO UPDATE SET reward = EXCLUDED.reward, accuracy = EXCLUDED.accuracy,
                          entropy = EXCLUDED.entropy, kl = EXCLUDED.kl, clipfrac = EXCLUDED.clipfrac,
                          tokens_per_s = EXCLUDED.tokens_per_s, tokens_sampled = EXCLUDED.tokens_sampled,
                          eval_accuracy = EXCLUDED.eval_accuracy, rollout_ms = EXCLUDED.rollout_ms,
                          update_ms = EXCLUDED.update_ms, metrics = EXCLUDED.metrics, recorded_at = now()""")
                .param("run", runId).param("step", r.step()).param("reward", r.reward()).param("accuracy", r.accuracy())
                .param("entropy", r.entropy()).param("kl", r.kl()).param("clipfrac", r.clipfrac())
                .param("tps", r.tokensPerSecond()).param("tokens", r.tokensSampled()).param("eval", r.evalAccuracy())
                .param("rollout", r.rolloutMs()).param("update", r.updateMs())
                .param("metrics", json.writeValueAsString(r.metrics()))
                .update();
        jdbc.sql("UPDATE runs SET current_step = :step, updated_at = now() WHERE id = :run")
                .param("run", runId).param("step", r.step()).update();
    }

    /** Appends a note the run made about itself (shown with the run, kept after it ends). */
    public void addNote(long runId, String note) {
        jdbc.sql("UPDATE runs SET notes = notes || jsonb_build_array(CAST(:note AS text)), updated_at = now() WHERE id = :run")
                .param("run", runId).param("note", note).update();
    }

    /** Before (re)starting from {@code step}: later step rows belong to the abandoned attempt. */
    public void rewindTo(long runId, int step) {
        jdbc.sql("DELETE FROM run_steps WHERE run_id = :run AND step > :step").param("run", runId).param("step", step).update();
        jdbc.sql("UPDATE runs SET current_step = :step, updated_at = now() WHERE id = :run")
                .param("run", runId).param("step", step).update();
    }

    public void setDevice(long runId, String device) {
        jdbc.sql("UPDATE runs SET device = :device, updated_at = now() WHERE id = :run")
                .param("run", runId).param("device", device).update();
    }

    /** RUNNING -> a terminal status, with the reason (null for success). */
    public boolean finish(long runId, RunStatus status, String reason) {
        return jdbc.sql("""
                        UPDATE runs SET status = :status, error_reason = :reason, finished_at = now(),
                               cancel_requested = false, updated_at = now()
                        WHERE id = :run AND status = 'RUNNING'""")
                .param("run", runId).param("status", status.name()).param("reason", reason).update() == 1;
    }

    public List<Long> runningIds() {
        return jdbc.sql("SELECT id FROM runs WHERE status = 'RUNNING' ORDER BY id").query(Long.class).list();
    }

    private Run mapRun(ResultSet rs, int row) throws SQLException {
        return new Run(rs.getLong("id"), rs.getString("name"), RunStatus.valueOf(rs.getString("status")),
                json.readValue(rs.getString("config"), MAP), rs.getInt("priority"),
                rs.getInt("total_steps"), rs.getInt("current_step"), rs.getString("device"),
                rs.getString("error_reason"), json.readValue(rs.getString("notes"), STRINGS),
                rs.getBoolean("cancel_requested"), rs.getInt("attempts"),
                instant(rs.getTimestamp("created_at")), instant(rs.getTimestamp("started_at")),
                instant(rs.getTimestamp("finished_at")));
    }

    private StepRecord mapStep(ResultSet rs, int row) throws SQLException {
        return new StepRecord(rs.getInt("step"), nullable(rs, "reward"), nullable(rs, "accuracy"),
                nullable(rs, "entropy"), nullable(rs, "kl"), nullable(rs, "clipfrac"), nullable(rs, "tokens_per_s"),
                rs.getObject("tokens_sampled", Long.class), nullable(rs, "eval_accuracy"),
                nullable(rs, "rollout_ms"), nullable(rs, "update_ms"),
                json.readValue(rs.getString("metrics"), MAP), instant(rs.getTimestamp("recorded_at")));
    }

    private static Double nullable(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, Double.class);
    }

    private static Instant instant(Timestamp ts) {
        return ts == null ? null : ts.toInstant();
    }
}
