package dev.forkpoint.rollout.hf;

import dev.forkpoint.rollout.checkpoint.AtomicFileWriter;
import dev.forkpoint.rollout.checkpoint.PolicyCheckpoint;
import dev.forkpoint.rollout.safetensors.DType;
import dev.forkpoint.rollout.safetensors.ModelWeights;
import dev.forkpoint.rollout.safetensors.SafetensorsWriter;
import dev.forkpoint.rollout.tokenizer.HfTokenizerFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes a Hugging Face model directory that transformers and vLLM load, from a Forkpoint checkpoint of a Hugging
 * Face model or from another model directory: config.json, generation_config.json and the tokenizer files of the
 * source verbatim, and the weights under the source's tensor names and shapes as safetensors with
 * {@code {"__metadata__": {"format": "pt"}}}, in float32 (every value kept exactly) or bfloat16 (rounded to nearest
 * even; bfloat16 source values come back bit for bit). Past {@code maxShardBytes} the weights are sharded the way
 * transformers shards them ({@code model-00001-of-0000N.safetensors} and {@code model.safetensors.index.json}).
 *
 * <p>The directory appears whole or not at all: everything is written into a hidden sibling that is renamed to the
 * target at the end, and an existing non-empty target is refused rather than mixed with.
 */
public final class HfExport {

    /** transformers' default {@code max_shard_size} for {@code save_pretrained}. */
    public static final long DEFAULT_MAX_SHARD_BYTES = 5_000_000_000L;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private HfExport() {}

    /**
     * What was written.
     *
     * @param directory the exported model directory
     * @param files     its files, by name
     * @param tensors   tensors written
     * @param bytes     bytes of the weight files
     */
    public record Result(Path directory, List<String> files, int tensors, long bytes) {}

    /** The dtypes an export writes: {@code f32} or {@code bf16}, as the command line names them. */
    public static DType dtype(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "f32", "float32" -> DType.F32;
            case "bf16", "bfloat16" -> DType.BF16;
            default -> throw new IllegalArgumentException("--dtype " + name + ": must be f32 or bf16");
        };
    }

    /**
     * A size as transformers' {@code max_shard_size} writes it: "5GB", "500MB", "64KB" (powers of 1000) or a number
     * of bytes; {@code field} names it in the error.
     */
    public static long parseSize(String size, String field) {
        String s = size.trim().toUpperCase(Locale.ROOT);
        long unit = 1;
        for (String[] u : new String[][] {{"GB", "1000000000"}, {"MB", "1000000"}, {"KB", "1000"}, {"B", "1"}}) {
            if (s.endsWith(u[0])) {
                unit = Long.parseLong(u[1]);
                s = s.substring(0, s.length() - u[0].length()).trim();
                break;
            }
        }
        try {
            long n = Long.parseLong(s);
            if (n >= 1) {
                return Math.multiplyExact(n, unit);
            }
        } catch (NumberFormatException | ArithmeticException e) {
            // refused below
        }
        throw new IllegalArgumentException(field + " " + size + ": expected a size such as 5GB, 500MB or a number "
                + "of bytes");
    }

    /** Exports the Hugging Face model held in a Forkpoint checkpoint (a run with {@code model.path}). */
    public static Result fromCheckpoint(Path checkpoint, Path out, DType dtype, long maxShardBytes) {
        PolicyCheckpoint.HfContents c = PolicyCheckpoint.readHuggingFace(checkpoint);
        HfConfig config = HfConfig.parse(c.config(), "checkpoint " + checkpoint + ": config.json");
        return write(config, c.parameters(), c.tokenizer(), out, dtype, maxShardBytes);
    }

    /** Re-writes a model directory (e.g. to change dtype or sharding), checked as a run would check it. */
    public static Result fromDirectory(Path source, Path out, DType dtype, long maxShardBytes) {
        HfConfig config = HfConfig.read(source);
        Map<String, float[]> values = new LinkedHashMap<>();
        try (ModelWeights weights = ModelWeights.open(source)) {
            HfDecoder.checkWeights(source, config, weights);
            for (String name : HfDecoder.parameterShapes(config).keySet()) {
                values.put(name, weights.floats(name));
            }
        }
        return write(config, values, HfTokenizerFiles.read(source), out, dtype, maxShardBytes);
    }

    /** Either source: a directory is a model directory, a file a Forkpoint checkpoint. */
    public static Result export(Path source, Path out, DType dtype, long maxShardBytes) {
        if (Files.isDirectory(source)) {
            return fromDirectory(source, out, dtype, maxShardBytes);
        }
        if (Files.isRegularFile(source)) {
            return fromCheckpoint(source, out, dtype, maxShardBytes);
        }
        throw new IllegalArgumentException(source + ": no such checkpoint file or model directory");
    }

    static Result write(HfConfig config, Map<String, float[]> values, HfTokenizerFiles tokenizer, Path out,
                        DType dtype, long maxShardBytes) {
        if (dtype != DType.F32 && dtype != DType.BF16) {
            throw new IllegalArgumentException("dtype " + dtype + ": an export writes F32 or BF16");
        }
        if (maxShardBytes < 1) {
            throw new IllegalArgumentException("max shard size " + maxShardBytes + ": must be positive");
        }
        Path target = out.toAbsolutePath().normalize();
        refuseNonEmpty(target);
        Map<String, long[]> shapes = HfDecoder.parameterShapes(config);
        List<List<String>> shards = shard(shapes, dtype, maxShardBytes);
        Path partial;
        try {
            Files.createDirectories(target.getParent());
            partial = AtomicFileWriter.uniqueSibling(target, ".partial", true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory next to " + target, e);
        }
        try {
            Map<String, String> weightMap = new LinkedHashMap<>();
            long bytes = 0;
            for (int s = 0; s < shards.size(); s++) {
                String file = shards.size() == 1 ? ModelWeights.SINGLE
                        : String.format(Locale.ROOT, "model-%05d-of-%05d.safetensors", s + 1, shards.size());
                List<SafetensorsWriter.Tensor> tensors = new ArrayList<>();
                for (String name : shards.get(s)) {
                    float[] v = values.get(name);
                    if (v == null) {
                        throw new IllegalArgumentException("tensor '" + name + "' is missing from the source");
                    }
                    tensors.add(SafetensorsWriter.Tensor.ofFloats(name, shapes.get(name), v, dtype));
                    bytes += (long) v.length * dtype.bytes();
                    weightMap.put(name, file);
                }
                SafetensorsWriter.write(partial.resolve(file), tensors, Map.of("format", "pt"));
            }
            if (shards.size() > 1) {
                ObjectNode index = JSON.createObjectNode();
                index.putObject("metadata").put("total_size", bytes);
                ObjectNode map = index.putObject("weight_map");
                weightMap.forEach(map::put);
                writeText(partial.resolve(ModelWeights.INDEX), JSON.writerWithDefaultPrettyPrinter()
                        .writeValueAsString(index) + "\n");
            }
            writeText(partial.resolve("config.json"), config.json());
            tokenizer.writeTo(partial);
            moveIntoPlace(partial, target);
            List<String> files;
            try (Stream<Path> s = Files.list(target)) {
                files = s.map(p -> p.getFileName().toString()).sorted().toList();
            }
            return new Result(target, files, weightMap.size(), bytes);
        } catch (IOException e) {
            deleteQuietly(partial);
            throw new UncheckedIOException("cannot export to " + target, e);
        } catch (RuntimeException e) {
            deleteQuietly(partial);
            throw e;
        }
    }

    /** Tensors in order, a new shard whenever the next one would pass the limit (a bigger tensor gets its own). */
    private static List<List<String>> shard(Map<String, long[]> shapes, DType dtype, long maxShardBytes) {
        List<List<String>> shards = new ArrayList<>();
        List<String> current = new ArrayList<>();
        long size = 0;
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            long n = dtype.bytes();
            for (long d : e.getValue()) {
                n *= d;
            }
            if (!current.isEmpty() && size + n > maxShardBytes) {
                shards.add(current);
                current = new ArrayList<>();
                size = 0;
            }
            current.add(e.getKey());
            size += n;
        }
        shards.add(current);
        return shards;
    }

    private static void refuseNonEmpty(Path target) {
        if (Files.isRegularFile(target)) {
            throw new IllegalArgumentException(target + ": exists and is a file; give a new directory");
        }
        if (Files.isDirectory(target)) {
            try (Stream<Path> s = Files.list(target)) {
                if (s.findAny().isPresent()) {
                    throw new IllegalArgumentException(target + ": exists and is not empty; give a new directory");
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + target, e);
            }
        }
    }

    private static void moveIntoPlace(Path partial, Path target) throws IOException {
        if (Files.isDirectory(target)) {
            Files.delete(target); // empty, checked before writing
        }
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void writeText(Path file, String text) throws IOException {
        AtomicFileWriter.write(file, text.getBytes(StandardCharsets.UTF_8));
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // best effort: the hidden partial directory never becomes the target
        }
    }
}
