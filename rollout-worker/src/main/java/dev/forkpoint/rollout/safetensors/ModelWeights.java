package dev.forkpoint.rollout.safetensors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The weights of a Hugging Face model directory: {@code model.safetensors}, or the shards named by
 * {@code model.safetensors.index.json}'s {@code weight_map}. Every tensor name maps to the file that holds it; a
 * missing shard, a tensor the index names but its shard lacks, or a tensor in two files is refused by name.
 */
public final class ModelWeights implements AutoCloseable {

    public static final String SINGLE = "model.safetensors";
    public static final String INDEX = "model.safetensors.index.json";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Path dir;
    private final List<SafetensorsFile> files;
    private final Map<String, SafetensorsFile> byTensor;

    private ModelWeights(Path dir, List<SafetensorsFile> files, Map<String, SafetensorsFile> byTensor) {
        this.dir = dir;
        this.files = files;
        this.byTensor = byTensor;
    }

    public static ModelWeights open(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new SafetensorsException(dir + ": not a directory");
        }
        Path index = dir.resolve(INDEX);
        List<SafetensorsFile> files = new ArrayList<>();
        Map<String, SafetensorsFile> byTensor = new LinkedHashMap<>();
        try {
            if (Files.exists(index)) {
                Map<String, String> weightMap = weightMap(index);
                Map<String, SafetensorsFile> shards = new LinkedHashMap<>();
                for (Map.Entry<String, String> e : weightMap.entrySet()) {
                    SafetensorsFile shard = shards.get(e.getValue());
                    if (shard == null) {
                        Path p = dir.resolve(e.getValue());
                        if (!Files.isRegularFile(p)) {
                            throw new SafetensorsException(index + ": names shard " + e.getValue()
                                    + " (for tensor '" + e.getKey() + "'), which is missing from " + dir);
                        }
                        shard = SafetensorsFile.open(p);
                        shards.put(e.getValue(), shard);
                        files.add(shard);
                    }
                    if (!shard.entries().containsKey(e.getKey())) {
                        throw new SafetensorsException(index + ": maps tensor '" + e.getKey() + "' to "
                                + e.getValue() + ", which does not hold it");
                    }
                    byTensor.put(e.getKey(), shard);
                }
            } else if (Files.isRegularFile(dir.resolve(SINGLE))) {
                SafetensorsFile single = SafetensorsFile.open(dir.resolve(SINGLE));
                files.add(single);
                single.entries().keySet().forEach(name -> byTensor.put(name, single));
            } else {
                throw new SafetensorsException(dir + ": no " + SINGLE + " and no " + INDEX);
            }
        } catch (RuntimeException e) {
            files.forEach(SafetensorsFile::close);
            throw e;
        }
        return new ModelWeights(dir, List.copyOf(files), Collections.unmodifiableMap(byTensor));
    }

    private static Map<String, String> weightMap(Path index) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(index));
        } catch (IOException e) {
            throw new SafetensorsException(index + ": cannot be read (" + e.getMessage() + ")", e);
        } catch (JacksonException e) {
            throw new SafetensorsException(index + ": not valid JSON: " + e.getOriginalMessage());
        }
        JsonNode map = root == null ? null : root.get("weight_map");
        if (map == null || !map.isObject() || map.isEmpty()) {
            throw new SafetensorsException(index + ": needs a non-empty weight_map of tensor name to shard file");
        }
        Map<String, String> out = new LinkedHashMap<>();
        map.properties().forEach(e -> out.put(e.getKey(), e.getValue().asString()));
        return out;
    }

    public Path directory() {
        return dir;
    }

    /** Tensor names, in index (or header) order. */
    public List<String> names() {
        return List.copyOf(byTensor.keySet());
    }

    public boolean has(String name) {
        return byTensor.containsKey(name);
    }

    public SafetensorsFile.Entry entry(String name) {
        return file(name).entry(name);
    }

    public float[] floats(String name) {
        return file(name).floats(name);
    }

    public byte[] bytes(String name) {
        return file(name).bytes(name);
    }

    /** The file that holds {@code name}. */
    public SafetensorsFile file(String name) {
        SafetensorsFile f = byTensor.get(name);
        if (f == null) {
            throw new SafetensorsException(dir + ": the model has no tensor '" + name + "'");
        }
        return f;
    }

    /** The files, in the order they were first needed. */
    public List<SafetensorsFile> files() {
        return files;
    }

    @Override
    public void close() {
        files.forEach(SafetensorsFile::close);
    }
}
