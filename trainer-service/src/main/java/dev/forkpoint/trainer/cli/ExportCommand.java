package dev.forkpoint.trainer.cli;

/** {@code forkpoint export}: not available until Hugging Face models are supported; says so. */
final class ExportCommand extends UnavailableCommand {

    ExportCommand() {
        super("export", "write a Hugging Face model directory from a checkpoint (not available yet)",
                "exporting to a Hugging Face directory needs Hugging Face model support, which this version does not "
                        + "have yet: checkpoints of the built-in model (.fpckpt) are read by model.checkpoint and "
                        + "--resume only");
    }
}
