package dev.enclave.inference.internal.remote;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.web.util.DefaultUriBuilderFactory;

import static org.assertj.core.api.Assertions.assertThat;

class FixedPathsTests {

	private final FixedPaths paths = new FixedPaths("http://10.0.0.7:8000/v1");

	private final DefaultUriBuilderFactory reference = new DefaultUriBuilderFactory("http://10.0.0.7:8000/v1");

	@Test
	void aFixedPathExpandsAsTheBaseUrlSaysAndOnce() {
		assertThat(this.paths.expand("/chat/completions")).isEqualTo(this.reference.expand("/chat/completions"))
			.hasToString("http://10.0.0.7:8000/v1/chat/completions");
		assertThat(this.paths.expand("/chat/completions")).isSameAs(this.paths.expand("/chat/completions"));
		assertThat(this.paths.expand("/models", Map.of())).isSameAs(this.paths.expand("/models"));
	}

	@Test
	void aTemplateWithVariablesIsExpandedEachTime() {
		assertThat(this.paths.expand("/models/{id}", "a b")).isEqualTo(this.reference.expand("/models/{id}", "a b"))
			.hasToString("http://10.0.0.7:8000/v1/models/a%20b");
		assertThat(this.paths.expand("/models/{id}", Map.of("id", "x"))).hasToString("http://10.0.0.7:8000/v1/models/x");
		assertThat(this.paths.expand("/models/{id}", "y")).hasToString("http://10.0.0.7:8000/v1/models/y");
	}

}
