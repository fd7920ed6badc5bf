package dev.enclave.inference.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import dev.enclave.inference.internal.engine.DeviceSpec;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** {@code enclave.inference.*} binds with its defaults and refuses what cannot work. */
class InferenceSettingsTests {

	@Test
	void noModelsMeansTheDemoModelAndDefaultsApply() {
		InferenceSettings settings = bind(Map.of());
		assertThat(settings.models()).isEmpty();
		assertThat(settings.maxNumSeqs()).as("the device's default").isZero();
		assertThat(settings.maxBatchedTokens()).as("the device's default").isZero();
		assertThat(settings.maxQueue()).isEqualTo(1024);
		assertThat(settings.queueTimeout().interactive()).isEqualTo(Duration.ofSeconds(2));
		assertThat(settings.queueTimeout().batch()).isEqualTo(Duration.ofSeconds(2));
		assertThat(settings.batchAging()).isEqualTo(Duration.ofSeconds(1));
		assertThat(settings.cpuKvCache()).isEqualTo(DataSize.ofGigabytes(1));
		assertThat(settings.gpuMemoryUtilization()).isEqualTo(0.9);
		assertThat(settings.prefixCache()).isEqualTo(DataSize.ofMegabytes(256));
		assertThat(settings.prefixCacheTtl()).isEqualTo(Duration.ofMinutes(10));
	}

	@Test
	void replicasAreListedDevicesAndAutoStandsAlone() {
		InferenceSettings settings = bind(Map.of("enclave.inference.models[0].name", "m", "enclave.inference.models[0].path",
				"/m", "enclave.inference.models[0].device", "gpu:0, gpu:1"));
		assertThat(DeviceSpec.parseAll(settings.models().get(0).device())).containsExactly(
				new DeviceSpec(DeviceSpec.Kind.GPU, 0), new DeviceSpec(DeviceSpec.Kind.GPU, 1));
		assertThatExceptionOfType(BindException.class)
			.isThrownBy(() -> bind(Map.of("enclave.inference.models[0].name", "m", "enclave.inference.models[0].path",
					"/m", "enclave.inference.models[0].device", "auto,gpu:1")))
			.havingRootCause()
			.withMessageContaining("every GPU");
	}

	@Test
	void aStepMustHoldATokenForEverySequence() {
		assertThatExceptionOfType(BindException.class)
			.isThrownBy(() -> bind(Map.of("enclave.inference.max-num-seqs", "64", "enclave.inference.max-batched-tokens",
					"32")))
			.havingRootCause()
			.withMessageContaining("must be at least max-num-seqs");
	}

	@Test
	void aModelGetsItsDefaults() {
		InferenceSettings settings = bind(Map.of("enclave.inference.models[0].name", "glm-4-9b-chat",
				"enclave.inference.models[0].path", "/srv/models/glm"));
		assertThat(settings.models()).singleElement()
			.isEqualTo(new InferenceSettings.Model("glm-4-9b-chat", Path.of("/srv/models/glm"), "auto", "auto", 0,
					null, null));
	}

	@Test
	void anUnknownDeviceIsRefused() {
		assertThatExceptionOfType(BindException.class)
			.isThrownBy(() -> bind(Map.of("enclave.inference.models[0].name", "m", "enclave.inference.models[0].path",
					"/m", "enclave.inference.models[0].device", "cuda")))
			.havingRootCause()
			.withMessageContaining("auto, cpu or gpu:N");
	}

	@Test
	void bfloat16IsRefusedWithTheReason() {
		assertThatExceptionOfType(BindException.class)
			.isThrownBy(() -> bind(Map.of("enclave.inference.models[0].name", "m", "enclave.inference.models[0].path",
					"/m", "enclave.inference.models[0].dtype", "bfloat16")))
			.havingRootCause()
			.withMessageContaining("DJL 0.35.1");
	}

	@Test
	void twoModelsMayNotShareAName() {
		assertThatExceptionOfType(BindException.class)
			.isThrownBy(() -> bind(Map.of("enclave.inference.models[0].name", "m", "enclave.inference.models[0].path",
					"/a", "enclave.inference.models[1].name", "m", "enclave.inference.models[1].path", "/b")))
			.havingRootCause()
			.withMessageContaining("two models named m");
	}

	static InferenceSettings bind(Map<String, String> properties) {
		return new Binder(new MapConfigurationPropertySource(properties))
			.bindOrCreate("enclave.inference", InferenceSettings.class);
	}

}
