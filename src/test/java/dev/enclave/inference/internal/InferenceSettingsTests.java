package dev.enclave.inference.internal;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** {@code enclave.inference.*} binds with its defaults and refuses what cannot work. */
class InferenceSettingsTests {

	@Test
	void noModelsMeansTheDemoModelAndDefaultsApply() {
		InferenceSettings settings = bind(Map.of());
		assertThat(settings.models()).isEmpty();
		assertThat(settings.maxConcurrentGenerations()).isEqualTo(2);
		assertThat(settings.maxQueuedGenerations()).isEqualTo(64);
	}

	@Test
	void aModelGetsItsDefaults() {
		InferenceSettings settings = bind(Map.of("enclave.inference.models[0].name", "glm-4-9b-chat",
				"enclave.inference.models[0].path", "/srv/models/glm"));
		assertThat(settings.models()).singleElement()
			.isEqualTo(new InferenceSettings.Model("glm-4-9b-chat", Path.of("/srv/models/glm"), "auto", "auto", 0,
					null));
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

	private static InferenceSettings bind(Map<String, String> properties) {
		return new Binder(new MapConfigurationPropertySource(properties))
			.bindOrCreate("enclave.inference", InferenceSettings.class);
	}

}
