package dev.enclave.inference.internal.engine;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;

import ai.djl.Device;
import ai.djl.util.cuda.CudaUtils;

/**
 * How much memory a device has, measured: CUDA's own figures through DJL for a GPU, the
 * kernel's estimate of memory available without swapping for the CPU.
 */
public interface DeviceMemory {

	/** The device's memory in all. */
	long total(Device device);

	/** Memory nobody holds yet. */
	long available(Device device);

	/** The real machine. */
	DeviceMemory SYSTEM = new DeviceMemory() {

		@Override
		public long total(Device device) {
			if (device.isGpu()) {
				return CudaUtils.getGpuMemory(device).getMax();
			}
			return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
				.getTotalMemorySize();
		}

		@Override
		public long available(Device device) {
			if (device.isGpu()) {
				MemoryUsage usage = CudaUtils.getGpuMemory(device);
				return usage.getMax() - usage.getCommitted();
			}
			try {
				for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
					if (line.startsWith("MemAvailable:")) {
						return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
					}
				}
			}
			catch (IOException | NumberFormatException ex) {
				// not Linux, or an unexpected format: fall back to the JVM's view
			}
			return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
				.getFreeMemorySize();
		}

	};

}
