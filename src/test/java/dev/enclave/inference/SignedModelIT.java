package dev.enclave.inference;

import java.nio.file.Path;

import dev.enclave.inference.internal.checkpoint.ManifestSignatures;
import dev.enclave.inference.internal.checkpoint.ManifestSignatures.Algorithm;
import dev.enclave.inference.testing.TinyCheckpoints;
import dev.enclave.support.EnclaveIT;
import dev.enclave.support.TestDatabase;
import org.junit.jupiter.api.Test;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code signature-public-key} set, a model serves only when its manifest carries a
 * valid signature by that key: the signed one is ready, the unsigned one and the one signed
 * by another key never serve, and readiness says why.
 */
class SignedModelIT extends EnclaveIT {

	private static final Path ROOT = TestDatabase.dataDir().resolveSibling("signed-models");

	@DynamicPropertySource
	static void signedModels(DynamicPropertyRegistry registry) {
		TestDatabase.deleteRecursively(ROOT);
		Path keys = ROOT.resolve("keys");
		ManifestSignatures.generate(Algorithm.ECDSA_P256, keys.resolve("team.json"), keys.resolve("team.pub.json"));
		ManifestSignatures.generate(Algorithm.ED25519, keys.resolve("other.json"), keys.resolve("other.pub.json"));
		Path signed = TinyCheckpoints.write(ROOT.resolve("signed"), TinyCheckpoints.Kind.LLAMA, 11);
		ManifestSignatures.sign(signed, keys.resolve("team.json"));
		Path unsigned = TinyCheckpoints.write(ROOT.resolve("unsigned"), TinyCheckpoints.Kind.LLAMA, 12);
		Path forged = TinyCheckpoints.write(ROOT.resolve("forged"), TinyCheckpoints.Kind.LLAMA, 13);
		ManifestSignatures.sign(forged, keys.resolve("other.json"));
		String[][] models = { { "signed", signed.toString() }, { "unsigned", unsigned.toString() },
				{ "forged", forged.toString() } };
		for (int i = 0; i < models.length; i++) {
			String[] model = models[i];
			registry.add("enclave.inference.models[" + i + "].name", () -> model[0]);
			registry.add("enclave.inference.models[" + i + "].path", () -> model[1]);
			registry.add("enclave.inference.models[" + i + "].device", () -> "cpu");
			registry.add("enclave.inference.models[" + i + "].signature-public-key",
					() -> keys.resolve("team.pub.json").toString());
		}
	}

	@Test
	void onlyTheModelSignedByTheConfiguredKeyServes() {
		http().get()
			.uri("/actuator/health/readiness")
			.exchange()
			.expectStatus()
			.isEqualTo(503)
			.expectBody()
			.jsonPath("$.components.models.details.signed")
			.isEqualTo("ready")
			.jsonPath("$.components.models.details.unsigned")
			.value((reason) -> assertThat((String) reason).contains("is not signed (no SHA256SUMS.sig)")
				.doesNotContain(ROOT.toString()))
			.jsonPath("$.components.models.details.forged")
			.value((reason) -> assertThat((String) reason)
				.contains("is not a valid signature of SHA256SUMS by the configured public key"));
	}

}
