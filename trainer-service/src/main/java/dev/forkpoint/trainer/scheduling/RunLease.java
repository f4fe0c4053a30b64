package dev.forkpoint.trainer.scheduling;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Proof that this process trains a run: a PostgreSQL session-level advisory lock on the run id, held
 * on a dedicated connection for as long as the run executes. When the process dies its connections
 * drop and the lock is released, so a RUNNING run whose lock can be taken is an orphan to recover;
 * one whose lock is held is being trained by a live process (this one or another on the same DB).
 */
final class RunLease implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RunLease.class);
    /** First key of the two-int advisory lock: a namespace so other advisory locks cannot collide. */
    private static final int NAMESPACE = 0x466B5054; // "FkPT"

    private final Connection connection;
    private final long runId;

    private RunLease(Connection connection, long runId) {
        this.connection = connection;
        this.runId = runId;
    }

    /** Claims the oldest, highest-priority QUEUED run (FOR UPDATE SKIP LOCKED) and marks it RUNNING. */
    static Optional<RunLease> claimQueued(DataSource dataSource) throws SQLException {
        Connection c = dataSource.getConnection();
        try {
            c.setAutoCommit(false);
            Long id = null;
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT id FROM runs WHERE status = 'QUEUED'
                    ORDER BY priority DESC, queued_at, id FOR UPDATE SKIP LOCKED LIMIT 1""");
                 ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    id = rs.getLong(1);
                }
            }
            if (id == null || !tryLock(c, id)) {
                c.rollback();
                c.setAutoCommit(true);
                closeQuietly(c);
                return Optional.empty();
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE runs SET status = 'RUNNING', started_at = coalesce(started_at, now()),
                           attempts = attempts + 1, cancel_requested = false, updated_at = now()
                    WHERE id = ?""")) {
                ps.setLong(1, id);
                ps.executeUpdate();
            }
            c.commit();
            c.setAutoCommit(true);
            return Optional.of(new RunLease(c, id));
        } catch (SQLException | RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
    }

    /**
     * Takes over a run found RUNNING if no live process holds it; re-checks the status under the lock
     * because the holder may have finished it in between.
     */
    static Optional<RunLease> claimOrphan(DataSource dataSource, long runId) throws SQLException {
        Connection c = dataSource.getConnection();
        try {
            if (!tryLock(c, runId)) {
                closeQuietly(c);
                return Optional.empty();
            }
            RunLease lease = new RunLease(c, runId);
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE runs SET attempts = attempts + 1, updated_at = now() WHERE id = ? AND status = 'RUNNING'")) {
                ps.setLong(1, runId);
                if (ps.executeUpdate() == 1) {
                    return Optional.of(lease);
                }
            }
            lease.close();
            return Optional.empty();
        } catch (SQLException | RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
    }

    long runId() {
        return runId;
    }

    @Override
    public void close() {
        closeQuietly(connection);
    }

    private static boolean tryLock(Connection c, long runId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_lock(?, ?)")) {
            ps.setInt(1, NAMESPACE);
            ps.setInt(2, key(runId));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private static int key(long runId) {
        return Math.toIntExact(runId); // run ids are an identity column; 2^31 runs would be a different product
    }

    /**
     * Releases this connection's advisory locks before it goes back to the pool (the pool does not reset
     * session state, and a pooled connection holding a run's lock would hide an orphan).
     */
    private static void closeQuietly(Connection c) {
        try {
            if (!c.getAutoCommit()) {
                c.rollback();
                c.setAutoCommit(true);
            }
        } catch (SQLException ignored) {
            // the unlock below fails too and the connection is closed
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_unlock_all()")) {
            ps.execute();
        } catch (SQLException e) {
            log.warn("advisory unlock failed ({}); closing the connection", e.toString());
        }
        try {
            c.close();
        } catch (SQLException ignored) {
            // the pool evicts a broken connection
        }
    }
}
