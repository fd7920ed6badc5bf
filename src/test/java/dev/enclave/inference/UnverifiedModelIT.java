package dev.enclave.inference;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.enclave.gateway.ApiException;
import dev.enclave.gateway.ErrorCode;
import dev.enclave.support.EnclaveIT;
import dev.enclave.support.TestDatabase;
import dev.enclave.inference.testing.TinyCheckpoints;
import org.junit.jupiter.api.Test;

import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A configured checkpoint whose weights were altered after sealing is never served: the
 * application starts, readiness is DOWN naming the file, and requests get
 * {@code model_unavailable}.
 */
class UnverifiedModelIT extends EnclaveIT {

	private static final Path CHECKPOINT = TestDatabase.dataDir().resolveSibling("tampered-checkpoint");

	@Autowired
	ChatModel chat;

	@DynamicPropertySource
	static void tamperedModel(DynamicPropertyRegistry registry) {
		TestDatabase.deleteRecursively(CHECKPOINT);
		TinyCheckpoints.write(CHECKPOINT, TinyCheckpoints.Kind.QWEN2, 3);
		try {
			Path weights = CHECKPOINT.resolve("model.safetensors");
			byte[] bytes = Files.readAllBytes(weights);
			bytes[bytes.length / 2] ^= 0x40;
			Files.write(weights, bytes);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		registry.add("enclave.inference.models[0].name", () -> "tampered");
		registry.add("enclave.inference.models[0].path", CHECKPOINT::toString);
		registry.add("enclave.inference.models[0].device", () -> "cpu");
	}

	@Test
	void readinessIsDownWithTheReason() {
		http().get()
			.uri("/actuator/health/readiness")
			.exchange()
			.expectStatus()
			.isEqualTo(503)
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo("DOWN")
			.jsonPath("$.components.models.status")
			.isEqualTo("DOWN")
			.jsonPath("$.components.models.details.tampered")
			.value((reason) -> assertThat((String) reason).startsWith("model.safetensors in <checkpoint of tampered>")
				.contains("does not match SHA256SUMS")
				.doesNotContain(CHECKPOINT.toString()));
		// The process is fine; only the model is not. Kubernetes must not restart it.
		http().get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
	}

	@Test
	void theModelIsNeverServed() {
		assertThatExceptionOfType(ApiException.class).isThrownBy(() -> this.chat.call(new Prompt("Hi")))
			.satisfies((error) -> {
				assertThat(error.code()).isEqualTo(ErrorCode.MODEL_UNAVAILABLE);
				assertThat(error.retryAfter()).isNotNull();
			});
	}

}
