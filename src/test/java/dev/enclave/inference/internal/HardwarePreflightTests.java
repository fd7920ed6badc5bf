package dev.enclave.inference.internal;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import dev.enclave.gateway.ApiException;
import dev.enclave.gateway.ErrorCode;
import dev.enclave.inference.internal.checkpoint.Checkpoint;
import dev.enclave.inference.internal.engine.DeviceMemory;
import dev.enclave.inference.internal.engine.MemoryPlan;
import dev.enclave.inference.testing.TinyCheckpoints;
import dev.enclave.storage.DataDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The hardware preflight: what a model needs is computed from its checkpoint before
 * loading, and a device with less free memory is refused with both numbers and the ways
 * out, the model reported not served, instead of an out-of-memory failure half-way.
 */
class HardwarePreflightTests {

	@TempDir
	Path directory;

	@Test
	void theNeedIsTheWeightsAtTheComputeTypeAndOneFullContextSequence() {
		Path checkpoint = TinyCheckpoints.write(this.directory.resolve("tiny"), TinyCheckpoints.Kind.LLAMA, 3);
		try (Checkpoint opened = Checkpoint.open(checkpoint, null)) {
			MemoryPlan f32 = MemoryPlan.of(opened, DataType.FLOAT32, 0);
			MemoryPlan f16 = MemoryPlan.of(opened, DataType.FLOAT16, 0);
			assertThat(f16.weightBytes() * 2).isEqualTo(f32.weightBytes());
			long kvPerToken = 2L * TinyCheckpoints.LAYERS * TinyCheckpoints.KV_HEADS * TinyCheckpoints.HEAD_DIM * 4;
			assertThat(f32.kvBytesPerToken()).isEqualTo(kvPerToken);
			assertThat(f32.context()).isEqualTo(TinyCheckpoints.CONTEXT);
			assertThat(f32.minimumBytes()).isEqualTo(f32.weightBytes() + kvPerToken * TinyCheckpoints.CONTEXT);
			assertThat(MemoryPlan.of(opened, DataType.FLOAT32, 64).context()).isEqualTo(64);
		}
	}

	@Test
	void aDeviceWithTooLittleMemoryIsRefusedAndTheModelIsNotServed() {
		Path checkpoint = TinyCheckpoints.write(this.directory.resolve("tiny"), TinyCheckpoints.Kind.LLAMA, 3);
		DeviceMemory scarce = new DeviceMemory() {

			@Override
			public long total(Device device) {
				return 2048;
			}

			@Override
			public long available(Device device) {
				return 1024;
			}

		};
		InferenceSettings settings = InferenceSettingsTests.bind(Map.of("enclave.inference.models[0].name", "tiny",
				"enclave.inference.models[0].path", checkpoint.toString(), "enclave.inference.models[0].device", "cpu"));
		try (ModelRegistry registry = new ModelRegistry(settings, new DataDirectory(this.directory.resolve("data")),
				Clock.systemUTC(), scarce)) {
			assertThat(registry.served()).isEmpty();
			assertThat(registry.models()).singleElement().satisfies((model) -> {
				assertThat(model.ready()).isFalse();
				assertThat(model.reason()).contains("needs").contains("GiB").contains("float32 weights")
					.contains("is free there")
					.contains("dtype float16")
					.contains("the CPU")
					.contains("remote backend");
			});
			assertThatExceptionOfType(ApiException.class).isThrownBy(() -> registry.require("tiny"))
				.satisfies((error) -> assertThat(error.code()).isEqualTo(ErrorCode.MODEL_UNAVAILABLE));
		}
	}

}
