package dev.forkpoint.learner.cli;

import dev.forkpoint.rollout.hf.HfExport;
import dev.forkpoint.rollout.safetensors.DType;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * {@code forkpoint export SRC OUT [--dtype f32|bf16] [--max-shard-size SIZE]}: writes a Hugging Face model directory
 * that transformers and vLLM load, from a Forkpoint checkpoint of a run with {@code model.path} or from another model
 * directory ({@link HfExport}).
 */
public final class ExportCommand implements Command {

    private static final String USAGE = """
            usage: forkpoint export SRC OUT [--dtype f32|bf16] [--max-shard-size SIZE]

            Writes the Hugging Face model directory OUT from SRC, a checkpoint (.fpckpt) of a run that trained a
            Hugging Face model (model.path), or another model directory. OUT gets config.json,
            generation_config.json and the tokenizer files of the source unchanged, and the weights under the
            source's tensor names and shapes as safetensors ({"__metadata__": {"format": "pt"}}), sharded with
            model.safetensors.index.json past the shard size. OUT must be new or empty; it appears only when complete.

              --dtype f32|bf16       f32 keeps every trained value exactly (default); bf16 halves the size,
                                     rounding to nearest even (bf16 source weights come back bit for bit)
              --max-shard-size SIZE  largest weight file, e.g. 5GB (default), 500MB, 2000000 (bytes)

            Load the result:  python -c "from transformers import AutoModelForCausalLM, AutoTokenizer;
                              m = AutoModelForCausalLM.from_pretrained('OUT'); t = AutoTokenizer.from_pretrained('OUT')"
            """;

    @Override
    public String name() {
        return "export";
    }

    @Override
    public String summary() {
        return "write a Hugging Face model directory from a checkpoint or a model directory";
    }

    @Override
    public String usage() {
        return USAGE;
    }

    @Override
    public int run(String[] args, PrintStream out, PrintStream err) {
        HfExport.Result r;
        try {
            CommandLine line = CommandLine.parse(args, Set.of("dtype", "max-shard-size"), Set.of(), Set.of());
            if (line.help()) {
                out.print(USAGE);
                return EXIT_OK;
            }
            if (line.positional().size() != 2) {
                throw new CommandLine.UsageException("expected SRC and OUT, got " + line.positional());
            }
            DType dtype = HfExport.dtype(line.get("dtype", "f32"));
            long shard = HfExport.parseSize(line.get("max-shard-size", "5GB"), "--max-shard-size");
            r = HfExport.export(Path.of(line.positional().get(0)), Path.of(line.positional().get(1)), dtype, shard);
            out.printf(Locale.ROOT, "exported %d tensors (%s, %.1f MB of weights) to %s%n", r.tensors(), dtype,
                    r.bytes() / 1e6, r.directory());
            out.println("files: " + String.join(", ", r.files()));
            return EXIT_OK;
        } catch (CommandLine.UsageException e) {
            err.println("error: " + e.getMessage());
            err.println("usage: forkpoint export SRC OUT [--dtype f32|bf16] [--max-shard-size SIZE]; "
                    + "forkpoint export --help");
            return EXIT_USAGE;
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return EXIT_USAGE;
        }
    }
}
