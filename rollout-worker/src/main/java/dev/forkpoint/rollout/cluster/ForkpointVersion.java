package dev.forkpoint.rollout.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * This build's version (the Maven project version, written into a resource at build time). Trainer and workers must
 * run the same one: a shard is the sampler's exact inputs, and another build may sample other tokens from them.
 */
public final class ForkpointVersion {

    private static final String VERSION = read();

    private ForkpointVersion() {
    }

    public static String get() {
        return VERSION;
    }

    private static String read() {
        try (InputStream in = ForkpointVersion.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                throw new IllegalStateException("dev/forkpoint/rollout/cluster/version.properties missing from the "
                        + "class path: a broken build");
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
