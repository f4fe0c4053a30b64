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

    public static void write(Path target, byte[]... parts) throws IOException {
        Path file = target.toAbsolutePath();
        Path dir = file.getParent();
        Files.createDirectories(dir);
        // A dot-prefixed name in the same directory: same file system, so the rename can be atomic.
        Path temp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
        boolean moved = false;
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                for (byte[] part : parts) {
                    ByteBuffer buf = ByteBuffer.wrap(part);
                    while (buf.hasRemaining()) {
                        ch.write(buf);
                    }
                }
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

    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some file systems (and non-Linux platforms) cannot open a directory for fsync; the rename is
            // still atomic, only its durability across a power loss is not guaranteed there.
        }
    }
}
