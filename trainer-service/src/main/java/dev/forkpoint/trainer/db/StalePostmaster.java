package dev.forkpoint.trainer.db;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The embedded PostgreSQL is a child process: when the service is killed (SIGKILL, OOM killer) it keeps
 * running and keeps the data directory locked, so the next start could not open it. Before starting,
 * a postmaster still running on our data directory is shut down (SIGTERM: smart shutdown, which completes
 * at once because the killed service's connections are gone).
 */
final class StalePostmaster {

    private static final Logger log = LoggerFactory.getLogger(StalePostmaster.class);

    private StalePostmaster() {
    }

    /** Returns true if a running postmaster was found and stopped. */
    static boolean stopIfRunning(Path dataDirectory, Duration wait) throws IOException {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return false;
        }
        List<String> lines = Files.readAllLines(pidFile);
        if (lines.isEmpty() || !lines.get(0).strip().matches("\\d+")) {
            return false;
        }
        Optional<ProcessHandle> process = ProcessHandle.of(Long.parseLong(lines.get(0).strip()));
        if (process.isEmpty() || !process.get().isAlive()
                || !process.get().info().command().orElse("").endsWith("postgres")) {
            return false; // a stale file only (postgres itself ignores it), or the pid now belongs to another program
        }
        ProcessHandle postmaster = process.get();
        log.warn("a PostgreSQL (pid {}) left running by an earlier, killed service holds {}: shutting it down",
                postmaster.pid(), dataDirectory);
        postmaster.destroy();
        try {
            postmaster.onExit().get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            log.warn("PostgreSQL pid {} did not stop within {}; killing it (WAL recovery runs at the next start)",
                    postmaster.pid(), wait);
            postmaster.destroyForcibly();
            postmaster.onExit().join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stopping PostgreSQL pid " + postmaster.pid(), e);
        } catch (ExecutionException e) {
            throw new IOException(e);
        }
        return true;
    }
}
