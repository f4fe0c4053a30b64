package dev.forkpoint.rollout.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Device;
import ai.djl.engine.Engine;
import org.junit.jupiter.api.Test;

class DeviceSelectionTest {

    final boolean hasGpu = Engine.getEngine("PyTorch").getGpuCount() > 0;

    @Test
    void cpuIsAlwaysTheCpu() {
        assertEquals(Device.cpu(), DeviceSelection.resolve("cpu"));
        assertEquals(Device.cpu(), DeviceSelection.resolve(" CPU "));
    }

    @Test
    void autoTakesAGpuOnlyWhenTheEngineReportsOne() {
        assertEquals(hasGpu ? Device.gpu() : Device.cpu(), DeviceSelection.resolve("auto"));
    }

    @Test
    void gpuWithoutOneIsAClearError() {
        if (hasGpu) {
            assertEquals(Device.gpu(), DeviceSelection.resolve("gpu"));
        } else {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeviceSelection.resolve("gpu"));
            assertEquals("device = gpu: the PyTorch engine reports no GPU (the CPU build of libtorch is loaded, or no"
                    + " CUDA device is visible); use device = auto or cpu", e.getMessage());
        }
    }

    @Test
    void unknownModeIsNamed() {
        assertEquals("device = 'tpu': must be one of auto, cpu, gpu",
                assertThrows(IllegalArgumentException.class, () -> DeviceSelection.resolve("tpu")).getMessage());
    }
}
