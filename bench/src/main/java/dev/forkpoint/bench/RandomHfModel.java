package dev.forkpoint.bench;

import dev.forkpoint.learner.cli.CommandLine;
import dev.forkpoint.rollout.hf.HfConfig;
import dev.forkpoint.rollout.hf.HfDecoder;
import dev.forkpoint.rollout.hf.HfExport;
import dev.forkpoint.rollout.safetensors.DType;
import dev.forkpoint.rollout.safetensors.SafetensorsWriter;
import dev.forkpoint.rollout.tokenizer.HfTokenizerFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * {@code forkpoint bench random-model}: a Hugging Face model directory of a real model's shape with random weights
 * (normal, std 0.02; norms 1; biases 0), for measuring what training a model of that size costs where no weights can
 * be downloaded. The tokenizer files come from another directory (default: the tiny Llama fixture); its few ids are
 * a subset of the model's rows, which is all the loader requires.
 */
public final class RandomHfModel {

    /** Shapes of real checkpoints, from their config.json. */
    static final Map<String, String> SHAPES = new LinkedHashMap<>();

    static {
        SHAPES.put("smollm2-135m", """
                {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": 49152,
                 "hidden_size": 576, "num_hidden_layers": 30, "num_attention_heads": 9, "num_key_value_heads": 3,
                 "intermediate_size": 1536, "hidden_act": "silu", "rms_norm_eps": 1e-05, "rope_theta": 100000,
                 "max_position_embeddings": 8192, "tie_word_embeddings": true, "torch_dtype": "bfloat16",
                 "attention_bias": false, "mlp_bias": false, "bos_token_id": 1, "eos_token_id": 2}
                """);
        SHAPES.put("qwen2.5-0.5b", """
                {"architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "vocab_size": 151936,
                 "hidden_size": 896, "num_hidden_layers": 24, "num_attention_heads": 14, "num_key_value_heads": 2,
                 "intermediate_size": 4864, "hidden_act": "silu", "rms_norm_eps": 1e-06, "rope_theta": 1000000.0,
                 "max_position_embeddings": 32768, "tie_word_embeddings": true, "torch_dtype": "bfloat16",
                 "use_sliding_window": false, "bos_token_id": 151643, "eos_token_id": 151645}
                """);
    }

    private RandomHfModel() {}

    public static void main(String[] args) throws IOException {
        CommandLine line = CommandLine.parse(args, Set.of("shape", "out", "tokenizer-from", "dtype", "seed"), Set.of(),
                Set.of());
        String shape = line.get("shape", "smollm2-135m");
        String json = SHAPES.get(shape);
        if (json == null) {
            throw new IllegalArgumentException("--shape " + shape + ": one of " + SHAPES.keySet());
        }
        String out = line.get("out", null);
        if (out == null) {
            throw new IllegalArgumentException("--out DIR: required");
        }
        Path tokenizerFrom = Path.of(line.get("tokenizer-from", "testdata/hf-models/tiny-llama-f32"));
        DType dtype = HfExport.dtype(line.get("dtype", "bf16"));
        long t0 = System.nanoTime();
        long parameters = write(HfConfig.parse(json, shape), HfTokenizerFiles.read(tokenizerFrom), Path.of(out), dtype,
                line.longValue("seed", 1));
        System.out.printf(Locale.ROOT, "wrote %s: %s-shaped, %,d parameters, random weights in %s, in %.1f s%n", out,
                shape, parameters, dtype, (System.nanoTime() - t0) / 1e9);
    }

    /** Writes the directory (refused if it exists and is not empty) and returns the parameter count. */
    static long write(HfConfig config, HfTokenizerFiles tokenizer, Path out, DType dtype, long seed)
            throws IOException {
        if (Files.isDirectory(out)) {
            try (var s = Files.list(out)) {
                if (s.findAny().isPresent()) {
                    throw new IllegalArgumentException(out + ": exists and is not empty");
                }
            }
        }
        Files.createDirectories(out);
        SplittableRandom random = new SplittableRandom(seed);
        List<SafetensorsWriter.Tensor> tensors = new ArrayList<>();
        long count = 0;
        for (Map.Entry<String, long[]> e : HfDecoder.parameterShapes(config).entrySet()) {
            long[] s = e.getValue();
            float[] v = new float[Math.toIntExact(s.length == 1 ? s[0] : s[0] * s[1])];
            if (e.getKey().endsWith("norm.weight")) {
                java.util.Arrays.fill(v, 1f);
            } else if (!e.getKey().endsWith(".bias")) {
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (0.02 * random.nextGaussian());
                }
            }
            tensors.add(SafetensorsWriter.Tensor.ofFloats(e.getKey(), s, v, dtype));
            count += v.length;
        }
        SafetensorsWriter.write(out.resolve("model.safetensors"), tensors, Map.of("format", "pt"));
        Files.writeString(out.resolve("config.json"), config.json());
        tokenizer.writeTo(out);
        return count;
    }
}
