package dev.enclave.inference.internal.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** Devices are what they were configured to be, or the start-up fails saying why. */
class DjlRuntimeTests {

	@Test
	void cpuAndAutoResolve() {
		assertThat(DjlRuntime.resolve(DeviceSpec.parse("cpu"))).isEqualTo(Device.cpu());
		Device auto = DjlRuntime.resolve(DeviceSpec.parse("auto"));
		assertThat(auto).isEqualTo((DjlRuntime.engine().getGpuCount() > 0) ? Device.gpu(0) : Device.cpu());
	}

	@Test
	void aGpuPyTorchCannotSeeIsRefusedLoudly() {
		int missing = DjlRuntime.engine().getGpuCount();
		assertThatExceptionOfType(DeviceUnavailableException.class)
			.isThrownBy(() -> DjlRuntime.resolve(DeviceSpec.parse("gpu:" + missing)))
			.withMessageContaining("Device gpu:" + missing + " is configured")
			.withMessageContaining("sees " + missing + " CUDA device")
			.withMessageContaining("Enclave refuses")
			.withMessageContaining("PYTORCH_LIBRARY_PATH");
	}

	@Test
	void weightsOnAnotherDeviceThanConfiguredFailTheStartUpCheck() {
		try (NDManager manager = DjlRuntime.engine().newBaseManager(Device.cpu())) {
			NDArray weights = manager.ones(new ai.djl.ndarray.types.Shape(2));
			DjlRuntime.assertOn(weights, Device.cpu(), "m");
			assertThatExceptionOfType(DeviceUnavailableException.class)
				.isThrownBy(() -> DjlRuntime.assertOn(weights, Device.gpu(0), "m"))
				.withMessageStartingWith("Model m was placed on gpu(0) but its weights are on cpu()");
		}
	}

	@Test
	void devicesAreAutoCpuOrGpuN() {
		assertThat(DeviceSpec.parse("GPU:1")).isEqualTo(new DeviceSpec(DeviceSpec.Kind.GPU, 1));
		assertThat(DeviceSpec.parse("gpu:1")).hasToString("gpu:1");
		assertThatIllegalArgumentException().isThrownBy(() -> DeviceSpec.parse("cuda"))
			.withMessageContaining("auto, cpu or gpu:N");
	}

	@Test
	void djlRunsOffline() {
		DjlRuntime.engine();
		assertThat(ai.djl.util.Utils.isOfflineMode()).isTrue();
	}

}
