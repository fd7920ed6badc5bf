package dev.enclave.inference.internal.hub;

import java.net.URI;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** The endpoint is read from the environment as huggingface_hub reads it, and never shows its token. */
class HubEndpointTests {

	@Test
	void withoutHfEndpointItIsHuggingFace() {
		HubEndpoint endpoint = HubEndpoint.fromEnvironment(Map.of());

		assertThat(endpoint.base()).isEqualTo(URI.create("https://huggingface.co"));
		assertThat(endpoint.token()).isNull();
	}

	@Test
	void hfEndpointSelectsAMirrorAndHfTokenIsKept() {
		HubEndpoint endpoint = HubEndpoint.fromEnvironment(
				Map.of("HF_ENDPOINT", "https://hf-mirror.corp.example/hub/", "HF_TOKEN", " hf_abc "));

		assertThat(endpoint.base()).isEqualTo(URI.create("https://hf-mirror.corp.example/hub"));
		assertThat(endpoint.token()).isEqualTo("hf_abc");
		assertThat(endpoint.resolve("/api/models/a/b")).isEqualTo(URI.create("https://hf-mirror.corp.example/hub/api/models/a/b"));
	}

	@Test
	void blankVariablesAreUnset() {
		HubEndpoint endpoint = HubEndpoint.fromEnvironment(Map.of("HF_ENDPOINT", " ", "HF_TOKEN", ""));

		assertThat(endpoint.base()).isEqualTo(HubEndpoint.DEFAULT_BASE);
		assertThat(endpoint.token()).isNull();
	}

	@Test
	void theTokenIsNeverPrinted() {
		HubEndpoint endpoint = HubEndpoint.fromEnvironment(Map.of("HF_TOKEN", "hf_s3cr3t"));

		assertThat(endpoint.toString()).doesNotContain("hf_s3cr3t").contains("huggingface.co").contains("token=(set)");
		assertThat(HubEndpoint.fromEnvironment(Map.of()).toString()).contains("token=(none)");
	}

	@Test
	void onlyTheHubsOwnOriginGetsTheToken() {
		HubEndpoint endpoint = HubEndpoint.fromEnvironment(Map.of("HF_TOKEN", "hf_s3cr3t"));

		assertThat(endpoint.isOrigin(URI.create("https://huggingface.co/acme/x/resolve/abc/config.json"))).isTrue();
		assertThat(endpoint.isOrigin(URI.create("https://HuggingFace.co:443/api/models/acme/x"))).isTrue();
		assertThat(endpoint.isOrigin(URI.create("https://cdn-lfs.huggingface.co/repos/ab/cd?X-Amz-Signature=1"))).isFalse();
		assertThat(endpoint.isOrigin(URI.create("http://huggingface.co/acme/x"))).isFalse();
		assertThat(endpoint.isOrigin(URI.create("https://huggingface.co:8443/acme/x"))).isFalse();
	}

	@Test
	void anEndpointMustBeAPlainHttpUrl() {
		assertThatIllegalArgumentException().isThrownBy(() -> HubEndpoint.fromEnvironment(Map.of("HF_ENDPOINT", "ftp://mirror")));
		assertThatIllegalArgumentException().isThrownBy(() -> HubEndpoint.fromEnvironment(Map.of("HF_ENDPOINT", "mirror.corp")));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> HubEndpoint.fromEnvironment(Map.of("HF_ENDPOINT", "https://user:pw@mirror.corp")))
			.withMessageContaining("HF_TOKEN")
			.satisfies((ex) -> assertThat(ex.getMessage()).doesNotContain("pw"));
	}

}
