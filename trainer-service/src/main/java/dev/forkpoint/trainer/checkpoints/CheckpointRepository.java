package dev.forkpoint.trainer.checkpoints;

import dev.forkpoint.learner.run.CheckpointRef;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** SQL for {@code checkpoints} (schema: db-migrations V1). */
@Repository
public class CheckpointRepository {

    private static final String COLUMNS = "id, run_id, step, path, sha256, size_bytes, eval_accuracy, is_best, created_at";

    private final JdbcClient jdbc;

    public CheckpointRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Records a checkpoint; one written again for the same step (after a resume) replaces the row. */
    public void record(long runId, CheckpointRef ref) {
        jdbc.sql("""
                        INSERT INTO checkpoints (run_id, step, path, sha256, size_bytes, eval_accuracy)
                        VALUES (:run, :step, :path, :sha, :size, :eval)
                        ON CONFLICT (run_id, step) DO UPDATE SET path = EXCLUDED.path, sha256 = EXCLUDED.sha256,
                          size_bytes = EXCLUDED.size_bytes, eval_accuracy = EXCLUDED.eval_accuracy, created_at = now()""")
                .param("run", runId).param("step", ref.step()).param("path", ref.path().toString())
                .param("sha", ref.sha256()).param("size", ref.sizeBytes()).param("eval", ref.evalAccuracy())
                .update();
    }

    /** Newest first. */
    public List<CheckpointRecord> forRun(long runId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM checkpoints WHERE run_id = :run ORDER BY step DESC")
                .param("run", runId).query(CheckpointRepository::map).list();
    }

    public Optional<CheckpointRecord> forStep(long runId, int step) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM checkpoints WHERE run_id = :run AND step = :step")
                .param("run", runId).param("step", step).query(CheckpointRepository::map).optional();
    }

    public Optional<CheckpointRef> latest(long runId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM checkpoints WHERE run_id = :run ORDER BY step DESC LIMIT 1")
                .param("run", runId).query(CheckpointRepository::map).optional()
                .map(c -> new CheckpointRef(c.step(), Path.of(c.path()), c.sha256(),
                        c.sizeBytes() == null ? 0 : c.sizeBytes(), c.evalAccuracy()));
    }

    public void delete(long id) {
        jdbc.sql("DELETE FROM checkpoints WHERE id = :id").param("id", id).update();
    }

    public void deleteAll(long runId) {
        jdbc.sql("DELETE FROM checkpoints WHERE run_id = :run").param("run", runId).update();
    }

    public void markBest(long runId, Long bestId) {
        jdbc.sql("UPDATE checkpoints SET is_best = (id = :best) WHERE run_id = :run")
                .param("run", runId).param("best", bestId == null ? -1L : bestId).update();
    }

    private static CheckpointRecord map(ResultSet rs, int row) throws SQLException {
        return new CheckpointRecord(rs.getLong("id"), rs.getLong("run_id"), rs.getInt("step"), rs.getString("path"),
                rs.getString("sha256"), rs.getObject("size_bytes", Long.class),
                rs.getObject("eval_accuracy", Double.class), rs.getBoolean("is_best"),
                rs.getTimestamp("created_at").toInstant());
    }
}
