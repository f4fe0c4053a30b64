package dev.forkpoint.rollout.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a file so that readers see either the old content or the complete new one, never a part: the bytes
 * go to a temporary file in the same directory, are fsynced, and the temporary file is renamed over the
 * target atomically; then the directory is fsynced so the rename itself survives a crash.
 */
public final class AtomicFileWriter {

    private AtomicFileWriter() {}

    /** Writes the content of one channel; the channel is positioned at 0 and may also be written at positions. */
    @FunctionalInterface
    public interface Content {
        void writeTo(FileChannel channel) throws IOException;
    }

    public static void write(Path target, byte[]... parts) throws IOException {
        write(target, ch -> {
            for (byte[] part : parts) {
                writeFully(ch, ByteBuffer.wrap(part));
            }
        });
    }

    /** Writes {@code content} atomically; for files too large to hold in memory. */
    public static void write(Path target, Content content) throws IOException {
        Path file = target.toAbsolutePath();
        Path dir = file.getParent();
        Files.createDirectories(dir);
        // A dot-prefixed name in the same directory: same file system, so the rename can be atomic. Created with
        // CREATE_NEW rather than Files.createTempFile, whose 0600 would make every checkpoint and export unreadable
        // to other users whatever the umask says (a model served from another account or container).
        Path temp = uniqueSibling(file, ".tmp");
        boolean moved = false;
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                content.writeTo(ch);
                ch.force(true);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
            syncDirectory(dir);
        } finally {
            if (!moved) {
                Files.deleteIfExists(temp);
            }
        }
    }

    /**
     * A new empty file {@code .NAME.RANDOM SUFFIX} next to {@code file}, created with the process's umask (as any
     * file the user writes), never an existing one.
     */
    static Path uniqueSibling(Path file, String suffix) throws IOException {
        return uniqueSibling(file, suffix, false);
    }

    /**
     * A new empty file, or directory, {@code .NAME.RANDOM SUFFIX} next to {@code path}, created with the process's
     * umask: unlike {@code Files.createTempFile} (0600) and {@code createTempDirectory} (0700), what is written
     * there and renamed into place stays readable to whom the user's files are (a model served from another
     * account or container).
     */
    public static Path uniqueSibling(Path path, String suffix, boolean directory) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path p = path.resolveSibling("." + path.getFileName() + "."
                    + Long.toUnsignedString(java.util.concurrent.ThreadLocalRandom.current().nextLong(), 36) + suffix);
            try {
                if (directory) {
                    Files.createDirectory(p);
                } else {
                    Files.createFile(p);
                }
                return p;
            } catch (java.nio.file.FileAlreadyExistsException e) {
                if (attempt > 100) {
                    throw e;
                }
            }
        }
    }

    /** Writes all of {@code buf} at the channel's position. */
    public static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some file systems (and non-Linux platforms) cannot open a directory for fsync; the rename is
            // still atomic, only its durability across a power loss is not guaranteed there.
        }
    }
}
