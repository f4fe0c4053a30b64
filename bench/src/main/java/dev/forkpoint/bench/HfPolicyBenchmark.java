package dev.forkpoint.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.forkpoint.learner.cli.CommandLine;
import dev.forkpoint.learner.config.ObjectivePreset;
import dev.forkpoint.learner.loop.PolicyUpdate;
import dev.forkpoint.learner.loop.UpdateSettings;
import dev.forkpoint.learner.objective.PolicyObjective;
import dev.forkpoint.learner.optim.AdamW;
import dev.forkpoint.rollout.batch.RolloutBatch;
import dev.forkpoint.rollout.hf.HfConfig;
import dev.forkpoint.rollout.hf.HfDecoder;
import dev.forkpoint.rollout.hf.LoraSpec;
import dev.forkpoint.rollout.policy.ChunkedHead;
import dev.forkpoint.rollout.policy.Policy;
import dev.forkpoint.rollout.safetensors.DType;
import dev.forkpoint.rollout.sampler.BatchSampler;
import dev.forkpoint.rollout.sampler.FinishReason;
import dev.forkpoint.rollout.sampler.FixedTemperature;
import dev.forkpoint.rollout.sampler.SamplingConfig;
import dev.forkpoint.rollout.tokenizer.HfTokenizerFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code forkpoint bench hf-policy}: what a Hugging Face model of a real shape costs on this machine, written to
 * {@code bench/results/hf-policy.json}:
 *
 * <ul>
 *   <li>sampling tokens/s with the KV cache (batch 32, 64 new tokens after 64 prompt tokens, no stop token);</li>
 *   <li>update tokens/s, full fine-tune and LoRA (DAPO's objective, no KL; one mini-batch of 8 sequences of 128 tokens: forward with
 *       gradient, objective, backward, clipping, AdamW);</li>
 *   <li>the update's memory, chunked head against the plain path: the resident set's peak during one full fine-tune
 *       update minus the resident set before it (model, gradients and AdamW state already allocated by a warm-up
 *       update), read from /proc/self/status after resetting the peak through /proc/self/clear_refs.</li>
 * </ul>
 *
 * The model directory is generated with random weights ({@link RandomHfModel}) unless {@code --model DIR} is given.
 */
public final class HfPolicyBenchmark {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private HfPolicyBenchmark() {}

    public static void main(String[] args) throws Exception {
        CommandLine line = CommandLine.parse(args, Set.of("shape", "model", "out", "sample-batch", "prompt", "new-tokens",
                "update-sequences", "update-tokens", "memory-sequences", "memory-tokens", "memory-shape", "memory-paths",
                "reps", "parts", "child-memory"), Set.of(), Set.of());
        if (line.has("child-memory")) {
            childMemory(Path.of(line.get("model", null)), line.get("child-memory", null),
                    line.intValue("memory-sequences", 8), line.intValue("memory-tokens", 512));
            return;
        }
        String shape = line.get("shape", "smollm2-135m");
        Path out = Path.of(line.get("out", "bench/results/hf-policy.json"));
        int batch = line.intValue("sample-batch", 32);
        int prompt = line.intValue("prompt", 64);
        int newTokens = line.intValue("new-tokens", 64);
        int updateSeqs = line.intValue("update-sequences", 8);
        int updateTokens = line.intValue("update-tokens", 128);
        int memorySeqs = line.intValue("memory-sequences", 8);
        List<Integer> memoryTokens = Arrays.stream(line.get("memory-tokens", "128,512").split(","))
                .map(String::trim).map(Integer::parseInt).toList();
        String memoryShape = line.get("memory-shape", "qwen2.5-0.5b");
        List<String> memoryPaths = List.of(line.get("memory-paths", "chunked,plain").split(","));
        if (!List.of("chunked", "plain").containsAll(memoryPaths)) {
            throw new IllegalArgumentException("--memory-paths " + memoryPaths + ": chunked and/or plain");
        }
        int reps = line.intValue("reps", 2);
        List<String> parts = List.of(line.get("parts", "sampling,update,lora,memory").split(","));

        Path generated = null;
        Path dir;
        if (line.has("model")) {
            dir = Path.of(line.get("model", null));
        } else {
            String json = RandomHfModel.SHAPES.get(shape);
            if (json == null) {
                throw new IllegalArgumentException("--shape " + shape + ": one of " + RandomHfModel.SHAPES.keySet());
            }
            generated = Files.createTempDirectory("forkpoint-hf-bench");
            dir = generated.resolve("model");
            RandomHfModel.write(HfConfig.parse(json, shape),
                    HfTokenizerFiles.read(Path.of("testdata/hf-models/tiny-llama-f32")), dir, DType.BF16, 1);
        }
        ObjectNode root = JSON.createObjectNode();
        try {
            HfConfig config = HfConfig.read(dir);
            ObjectNode setting = root.putObject("setting");
            setting.put("model", line.has("model") ? dir.toString() : shape + "-shaped, random weights");
            setting.put("architecture", config.modelType() + ", " + config.layers() + " layers, hidden "
                    + config.hiddenSize() + ", " + config.heads() + " heads, " + config.kvHeads() + " KV heads, "
                    + "intermediate " + config.intermediateSize() + ", vocabulary " + config.vocabSize()
                    + (config.tiedEmbeddings() ? ", tied" : ""));
            setting.put("cores", Runtime.getRuntime().availableProcessors());
            setting.put("OMP_WAIT_POLICY", String.valueOf(System.getenv("OMP_WAIT_POLICY")));
            setting.put("device", "cpu");
            setting.put("reps", reps);
            int context = Math.max(prompt + newTokens, updateTokens);
            // Memory first: its child JVMs need the machine's memory, which this JVM holds on to once it has loaded
            // a model for the throughput parts.
            if (parts.contains("memory")) {
                Path memoryDir = dir;
                if (!line.has("model") && !memoryShape.equals(shape)) {
                    memoryDir = generated.resolve("memory-model");
                    RandomHfModel.write(HfConfig.parse(RandomHfModel.SHAPES.get(memoryShape), memoryShape),
                            HfTokenizerFiles.read(Path.of("testdata/hf-models/tiny-llama-f32")), memoryDir, DType.BF16,
                            1);
                }
                ObjectNode memory = root.putObject("update_memory");
                HfConfig mc = HfConfig.read(memoryDir);
                memory.put("model", line.has("model") ? dir.toString() : memoryShape + "-shaped, random weights");
                memory.put("architecture", mc.modelType() + ", " + mc.layers() + " layers, hidden " + mc.hiddenSize()
                        + ", " + mc.heads() + " heads, " + mc.kvHeads() + " KV heads, intermediate "
                        + mc.intermediateSize() + ", vocabulary " + mc.vocabSize());
                memory.put("method", "one JVM per path (heap fixed and pre-touched at 4 GiB, "
                        + "MALLOC_MMAP_THRESHOLD_=65536): a 1 x 4-token warm-up "
                        + "update allocates the gradients and AdamW state, then update_extra_gib = peak RSS during "
                        + "one full fine-tune update (VmHWM after resetting it through /proc/self/clear_refs) - RSS "
                        + "before it. chunked = the defaults (chunked head, gradient checkpointing); plain = "
                        + "logitChunkTokens 0, gradientCheckpointing false");
                for (int tokens : memoryTokens) {
                    memory.set(memorySeqs + "x" + tokens, memory(memoryDir, memorySeqs, tokens, memoryPaths));
                }
            }
            if (parts.contains("sampling")) {
                root.set("sampling", sampling(dir, context, batch, prompt, newTokens, reps));
            }
            if (parts.contains("update")) {
                root.set("update_full", update(dir, context, null, updateSeqs, updateTokens, null, reps));
            }
            if (parts.contains("lora")) {
                root.set("update_lora", update(dir, context, new LoraSpec(16, 32, LoraSpec.TARGETS), updateSeqs,
                        updateTokens, null, reps));
            }
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
            System.out.println("wrote " + out.toAbsolutePath());
        } finally {
            if (generated != null) {
                try (Stream<Path> s = Files.walk(generated)) {
                    for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }
    }

    private static ObjectNode sampling(Path dir, int context, int batch, int prompt, int newTokens, int reps) {
        ObjectNode r = JSON.createObjectNode();
        try (HfDecoder model = HfDecoder.load(dir, Device.cpu(), false, context);
             NDManager m = NDManager.newBaseManager(Device.cpu())) {
            Random rng = new Random(3);
            int[][] prompts = new int[batch][prompt];
            for (int[] p : prompts) {
                for (int j = 0; j < prompt; j++) {
                    p[j] = rng.nextInt(model.vocabSize());
                }
            }
            BatchSampler sampler = new BatchSampler(model);
            SamplingConfig config = new SamplingConfig(newTokens, new int[0], 0, 1.0, 5L, true);
            sampler.generate(prompts, config.withMaxNewTokens(4), new FixedTemperature(1.0), m); // warm-up
            double[] seconds = new double[reps];
            for (int i = 0; i < reps; i++) {
                long t0 = System.nanoTime();
                sampler.generate(prompts, config.withSeed(10 + i), new FixedTemperature(1.0), m);
                seconds[i] = (System.nanoTime() - t0) / 1e9;
                System.out.printf(Locale.ROOT, "sampling rep %d: %.2f s, %.1f new tokens/s%n", i, seconds[i],
                        batch * newTokens / seconds[i]);
            }
            double best = Arrays.stream(seconds).min().orElseThrow();
            r.put("batch", batch);
            r.put("prompt_tokens", prompt);
            r.put("new_tokens", newTokens);
            r.put("seconds_best", round(best));
            r.put("new_tokens_per_second", round(batch * newTokens / best));
            r.put("peak_rss_gib_so_far", round(peakGib()));
        }
        return r;
    }

    /**
     * One GRPO update of {@code seqs x tokens} (half prompt, half response): the best of {@code reps} after a warm-up
     * update; {@code chunk} null = automatic, 0 = the plain path.
     */
    private static ObjectNode update(Path dir, int context, LoraSpec lora, int seqs, int tokens, Integer chunk,
                                     int reps) {
        ObjectNode r = JSON.createObjectNode();
        try (Slot s = new Slot(dir, context, lora, seqs, tokens, chunk)) {
            s.run(0);
            double[] seconds = new double[reps];
            for (int i = 0; i < reps; i++) {
                seconds[i] = s.run(i + 1);
                System.out.printf(Locale.ROOT, "update%s rep %d: %.2f s, %.1f tokens/s%n",
                        lora == null ? "" : " (LoRA)", i, seconds[i], seqs * tokens / seconds[i]);
            }
            double best = Arrays.stream(seconds).min().orElseThrow();
            r.put("sequences", seqs);
            r.put("tokens_per_sequence", tokens);
            r.put("trainable_parameters", s.policy.parameters().values().stream()
                    .mapToLong(a -> a.getShape().size()).sum());
            r.put("seconds_best", round(best));
            r.put("tokens_per_second", round(seqs * tokens / best));
            r.put("logit_chunk_tokens", chunk == null ? ChunkedHead.autoChunk(s.policy.vocabSize()) : chunk);
            r.put("peak_rss_gib_so_far", round(peakGib()));
        }
        return r;
    }

    /**
     * The update's memory, chunked and plain, each in its own JVM (a process's peak never comes down, and memory a
     * first update freed would hide a second one's), with glibc's mmap threshold fixed at 64 KiB so that a freed
     * tensor leaves the resident set instead of staying in malloc's heap.
     */
    private static ObjectNode memory(Path dir, int seqs, int tokens, List<String> paths) throws Exception {
        ObjectNode r = JSON.createObjectNode();
        r.put("sequences", seqs);
        r.put("tokens_per_sequence", tokens);
        for (String path : paths) {
            r.set(path, child(dir, path, seqs, tokens));
        }
        if (r.has("chunked") && r.has("plain") && r.get("chunked").has("update_extra_gib")
                && r.get("plain").has("update_extra_gib")) {
            double c = r.get("chunked").get("update_extra_gib").asDouble();
            double p = r.get("plain").get("update_extra_gib").asDouble();
            r.put("chunked_over_plain", round(c / p));
        }
        return r;
    }

    /** Runs this benchmark's {@code --child-memory PATH} in a new JVM started the way this one was. */
    private static ObjectNode child(Path dir, String path, int seqs, int tokens) throws Exception {
        ProcessHandle.Info info = ProcessHandle.current().info();
        List<String> argv = new java.util.ArrayList<>();
        argv.add(info.command().orElseThrow(() -> new IllegalStateException("cannot find this JVM's command")));
        // A fixed, pre-touched heap: the resident set then moves with native (libtorch) memory only, not with the
        // heap growing or shrinking during the update.
        argv.addAll(List.of("-Xms4g", "-Xmx4g", "-XX:+AlwaysPreTouch"));
        String[] own = info.arguments().orElseThrow(() -> new IllegalStateException("cannot read this JVM's "
                + "arguments to start a child"));
        int at = Arrays.asList(own).indexOf("hf-policy");
        if (at < 0) {
            throw new IllegalStateException("this JVM was not started as 'bench hf-policy': " + Arrays.toString(own));
        }
        argv.addAll(Arrays.asList(own).subList(0, at + 1));
        argv.addAll(List.of("--child-memory", path, "--model", dir.toString(), "--memory-sequences",
                Integer.toString(seqs), "--memory-tokens", Integer.toString(tokens)));
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        pb.environment().put("MALLOC_MMAP_THRESHOLD_", "65536");
        Process p = pb.start();
        String result = null;
        try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()))) {
            for (String l = in.readLine(); l != null; l = in.readLine()) {
                if (l.startsWith("MEMORY ")) {
                    result = l.substring("MEMORY ".length());
                } else if (!l.contains(" WARN ")) {
                    System.out.println("  [" + path + "] " + l);
                }
            }
        }
        int exit = p.waitFor();
        if (exit != 0 || result == null) {
            // Recorded, not thrown: on a small machine the plain path may not fit at all (137 = killed).
            ObjectNode failed = JSON.createObjectNode();
            failed.put("exit_status", exit);
            failed.put("error", exit == 137 ? "killed (out of memory)" : "the child failed; see the printed log");
            System.out.println("memory " + path + ": child exited with " + exit);
            return failed;
        }
        return (ObjectNode) JSON.readTree(result);
    }

    /** In the child: model, a tiny warm-up update, then one measured update of seqs x tokens. */
    private static void childMemory(Path dir, String path, int seqs, int tokens) {
        Integer chunk = switch (path) {
            case "chunked" -> null;
            case "plain" -> 0;
            default -> throw new IllegalArgumentException("--child-memory " + path + ": chunked or plain");
        };
        ObjectNode o = JSON.createObjectNode();
        try (Slot warm = new Slot(dir, tokens, null, 1, 4, chunk, null)) {
            warm.run(0); // gradients and AdamW state now exist
            try (Slot measured = new Slot(dir, tokens, null, seqs, tokens, chunk, warm)) {
                System.gc();
                double before = residentGib();
                boolean reset = resetPeak();
                PeakTrace trace = System.getenv("FORKPOINT_PEAK_TRACE") != null ? PeakTrace.start() : null;
                double seconds = measured.run(1);
                double peak = peakGib();
                if (trace != null) {
                    o.put("peak_trace", trace.stop());
                }
                o.put("seconds", round(seconds));
                o.put("rss_before_gib", round(before));
                o.put("rss_after_gib", round(residentGib()));
                o.put("peak_rss_gib", round(peak));
                o.put("update_extra_gib", round(peak - before));
                o.put("peak_reset", reset);
                o.put("logit_chunk_tokens", chunk == null ? ChunkedHead.autoChunk(warm.policy.vocabSize()) : 0);
            }
        }
        System.out.println("MEMORY " + o);
    }

    /**
     * Where the resident set peaks (FORKPOINT_PEAK_TRACE set): a thread samples VmRSS every 10 ms and keeps the
     * measuring thread's Forkpoint stack frames at the highest sample.
     */
    private static final class PeakTrace {
        private final Thread target = Thread.currentThread();
        private final Thread sampler;
        private volatile boolean running = true;
        private double max;
        private String where = "";

        private PeakTrace() {
            sampler = new Thread(() -> {
                while (running) {
                    double rss = residentGib();
                    if (rss > max) {
                        max = rss;
                        StringBuilder b = new StringBuilder(String.format(java.util.Locale.ROOT, "%.3f GiB at ", rss));
                        int n = 0;
                        for (StackTraceElement e : target.getStackTrace()) {
                            if (e.getClassName().startsWith("dev.forkpoint") && n++ < 8) {
                                b.append(e.getClassName().replaceAll(".*\\.", "")).append('.')
                                        .append(e.getMethodName()).append(':').append(e.getLineNumber()).append(" < ");
                            }
                        }
                        where = b.toString();
                    }
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            sampler.setDaemon(true);
        }

        static PeakTrace start() {
            PeakTrace t = new PeakTrace();
            t.sampler.start();
            return t;
        }

        String stop() {
            running = false;
            try {
                sampler.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return where;
        }
    }

    /** A model, its optimiser and a synthetic rollout batch whose old log-probabilities come from the model itself. */
    private static final class Slot implements AutoCloseable {
        final HfDecoder policy;
        final AdamW optimizer;
        final PolicyObjective objective = new PolicyObjective(ObjectivePreset.DAPO.config());
        final NDManager manager = NDManager.newBaseManager(Device.cpu());
        final RolloutBatch batch;
        final double[] advantages;
        /** Whether this slot made (and closes) the model and optimiser, or uses another slot's. */
        final boolean owner;
        PolicyUpdate update;

        Slot(Path dir, int context, LoraSpec lora, int seqs, int tokens, Integer chunk) {
            this(dir, context, lora, seqs, tokens, chunk, null);
        }

        /** @param shared a slot whose model and optimiser this one updates (null: its own) */
        Slot(Path dir, int context, LoraSpec lora, int seqs, int tokens, Integer chunk, Slot shared) {
            owner = shared == null;
            if (shared != null) {
                policy = shared.policy;
                optimizer = shared.optimizer;
            } else {
                HfConfig config = HfConfig.read(dir);
                policy = lora == null ? HfDecoder.load(dir, Device.cpu(), true, context)
                        : HfDecoder.withAdapters(config, HfDecoder.readValues(dir, config), lora, null, 1,
                        Device.cpu(), true, context);
                optimizer = new AdamW(AdamW.Config.defaults(1e-6), policy.parameters());
            }
            batch = syntheticBatch(policy, seqs, tokens / 2, tokens - tokens / 2, manager);
            double[] rewards = new double[seqs];
            for (int i = 0; i < seqs; i++) {
                rewards[i] = i % 2;
            }
            advantages = objective.advantages(rewards, batch.groups(), batch.responseLengths());
            setChunk(chunk);
        }

        void setChunk(Integer chunk) {
            // chunk 0: the plain path (no chunked head, no gradient checkpointing); null: the defaults (both on).
            update = new PolicyUpdate(policy, null, objective, optimizer,
                    new UpdateSettings(1, 1, 1.0, 3, chunk, chunk == null ? null : chunk != 0), 0);
        }

        double run(int step) {
            long t0 = System.nanoTime();
            try (NDManager sub = manager.newSubManager()) {
                update.update(batch, advantages, step, sub);
            }
            return (System.nanoTime() - t0) / 1e9;
        }

        @Override
        public void close() {
            if (owner) {
                optimizer.close();
                policy.close();
            }
            manager.close();
        }
    }

    /** Random ids in groups of 2; old log-probabilities and entropies from the policy (chunked), so ratios start at 1. */
    static RolloutBatch syntheticBatch(Policy policy, int seqs, int prompt, int response, NDManager manager) {
        Random rng = new Random(7);
        int[][] prompts = new int[seqs][prompt];
        int[][] responses = new int[seqs][response];
        long[] flat = new long[seqs * (prompt + response)];
        for (int i = 0; i < seqs; i++) {
            for (int j = 0; j < prompt + response; j++) {
                int id = rng.nextInt(policy.vocabSize());
                if (j < prompt) {
                    prompts[i][j] = id;
                } else {
                    responses[i][j - prompt] = id;
                }
                flat[i * (prompt + response) + j] = id;
            }
        }
        float[][] olp = new float[seqs][response];
        float[][] h = new float[seqs][response];
        try (NDManager sub = manager.newSubManager()) {
            Shape shape = new Shape(seqs, prompt + response);
            NDArray tokens = sub.create(flat, shape);
            NDArray mask = sub.ones(shape, DataType.INT64);
            Policy.TokenScores s = ChunkedHead.scores(policy.head(tokens, mask, true), tokens,
                    ChunkedHead.autoChunk(policy.vocabSize()));
            float[] lp = s.logProbs().toFloatArray();
            float[] ent = s.entropy().toFloatArray();
            int w = prompt + response - 1;
            for (int i = 0; i < seqs; i++) {
                for (int j = 0; j < response; j++) {
                    olp[i][j] = lp[i * w + prompt - 1 + j];
                    h[i][j] = ent[i * w + prompt - 1 + j];
                }
            }
        }
        int[] groups = new int[seqs];
        String[] ids = new String[seqs];
        float[][] temps = new float[seqs][response];
        FinishReason[] reasons = new FinishReason[seqs];
        for (int i = 0; i < seqs; i++) {
            groups[i] = i / 2;
            ids[i] = "bench:" + groups[i];
            Arrays.fill(temps[i], 1f);
            reasons[i] = FinishReason.LENGTH;
        }
        return new RolloutBatch(prompts, responses, olp, h, temps, groups, ids, new double[seqs], new boolean[seqs],
                reasons);
    }

    /** Resets VmHWM to the current RSS (Linux 4.0+); false where that is not possible. */
    static boolean resetPeak() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    static double peakGib() {
        return status("VmHWM:");
    }

    static double residentGib() {
        return status("VmRSS:");
    }

    private static double status(String key) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith(key)) {
                    return Long.parseLong(l.replaceAll("[^0-9]", "")) / (1024.0 * 1024.0);
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return Double.NaN;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
