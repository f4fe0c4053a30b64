package dev.forkpoint.rollout.device;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves the configured {@code device: auto|cpu|gpu} to the DJL device a run really uses, and logs it:
 * {@code Engine.defaultDevice()} falls back to the CPU silently, so the choice must be visible in the logs
 * (docs/architecture.md, "Known DJL facts").
 */
public final class DeviceSelection {

    private static final Logger log = LoggerFactory.getLogger(DeviceSelection.class);

    private DeviceSelection() {}

    /**
     * @param mode {@code auto} (a GPU when the PyTorch engine reports one, else the CPU), {@code cpu} or
     *             {@code gpu} (fails when no GPU is visible)
     */
    public static Device resolve(String mode) {
        if (mode == null) {
            throw new IllegalArgumentException("device = null: must be one of auto, cpu, gpu");
        }
        String m = mode.trim().toLowerCase(Locale.ROOT);
        int gpus = switch (m) {
            case "auto", "gpu" -> gpuCount();
            case "cpu" -> 0;
            default -> throw new IllegalArgumentException(
                    "device = '" + mode + "': must be one of auto, cpu, gpu");
        };
        Device device;
        if (m.equals("gpu") && gpus == 0) {
            throw new IllegalArgumentException("device = gpu: the PyTorch engine reports no GPU (the CPU build of"
                    + " libtorch is loaded, or no CUDA device is visible); use device = auto or cpu");
        }
        device = gpus > 0 && !m.equals("cpu") ? Device.gpu() : Device.cpu();
        Engine engine = Engine.getEngine("PyTorch");
        log.info("device = {} resolved to {} (engine {} {}, GPUs visible: {})",
                m, device, engine.getEngineName(), engine.getVersion(), gpus);
        if (!device.isGpu() && System.getenv("OMP_WAIT_POLICY") == null) {
            // Measured (DecodeThroughputProbe): with other busy processes on a 2-core machine, libgomp's default
            // spin-waiting made cached decoding ~10x slower; PASSIVE must be set before the JVM starts.
            log.info("OMP_WAIT_POLICY is not set; on a shared CPU start the JVM with OMP_WAIT_POLICY=PASSIVE");
        }
        return device;
    }

    /**
     * Pins torch's intra-op threads to {@code threads} (and inter-op to 1) for this process. DJL reads the setting
     * when the PyTorch engine starts, so call it before anything touches the engine. Results repeat bit for bit only
     * at the same intra-op count: another count rounds reductions differently.
     *
     * @throws IllegalArgumentException when {@code threads < 1}, naming the flag
     */
    public static void pinTorchThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("--threads " + threads + ": must be at least 1");
        }
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }

    private static int gpuCount() {
        return Engine.getEngine("PyTorch").getGpuCount();
    }
}
