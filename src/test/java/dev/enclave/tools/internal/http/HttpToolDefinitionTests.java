package dev.enclave.tools.internal.http;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class HttpToolDefinitionTests {

	@Test
	void fillsInDefaults() {
		HttpToolDefinition tool = new HttpToolDefinition("weather", "Today's weather", null,
				"https://api.example/weather/{city}", null, null, null, null);

		assertThat(tool.method()).isEqualTo(HttpToolDefinition.Method.GET);
		assertThat(tool.argumentsSchema()).isEqualTo("{\"type\":\"object\"}");
		assertThat(tool.headers()).isEmpty();
		assertThat(tool.keep()).isEmpty();
		assertThat(tool.timeout()).isEqualTo(Duration.ofSeconds(30));
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', value = { "http://{host}/x | never in its scheme, host or port",
			"http://api.example:{port}/x | never in its scheme, host or port",
			"{scheme}://api.example/x | never in its scheme, host or port", "file:///etc/passwd | http or https URL",
			"ftp://api.example/{file} | http or https URL", "/relative/{id} | absolute http or https",
			"https://api.example/x#{frag} | fragment", "http://user@api.example/{id}?q={q}#top | fragment",
			"http://a_b.example/{id} | no valid host" })
	void refusesUrlTemplatesThatLetTheModelChooseWhereToGo(String url, String reason) {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new HttpToolDefinition("t", "d", null, url, null, null, null, null))
			.withMessageContaining(reason);
	}

	@Test
	void refusesHeadersTheClientOwnsOrMalformedSecretReferences() {
		assertThatIllegalArgumentException().isThrownBy(() -> tool(Map.of("Host", "internal.corp"), List.of()))
			.withMessageContaining("set by the HTTP client");
		assertThatIllegalArgumentException().isThrownBy(() -> tool(Map.of("Bad Name", "x"), List.of()))
			.withMessageContaining("not a valid HTTP header name");
		assertThatIllegalArgumentException().isThrownBy(() -> tool(Map.of("X-Key", "{secret:}"), List.of()))
			.withMessageContaining("{secret:NAME}");
		assertThatIllegalArgumentException().isThrownBy(() -> tool(Map.of("X-Key", "{secret:bad name}"), List.of()))
			.withMessageContaining("{secret:NAME}");
	}

	@Test
	void refusesKeepPathsThatAreNoJsonPointers() {
		assertThatIllegalArgumentException().isThrownBy(() -> tool(Map.of(), List.of("status")))
			.withMessageContaining("JSON Pointers");
		assertThatIllegalArgumentException().isThrownBy(() -> tool(Map.of(), List.of("")))
			.withMessageContaining("JSON Pointers");
	}

	@Test
	void refusesBadNamesMissingDescriptionsAndNonPositiveTimeouts() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new HttpToolDefinition("has space", "d", null, "https://api.example/", null, null, null, null));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new HttpToolDefinition("t", " ", null, "https://api.example/", null, null, null, null));
		assertThatIllegalArgumentException().isThrownBy(() -> new HttpToolDefinition("t", "d", null,
				"https://api.example/", null, null, null, Duration.ZERO));
	}

	@Test
	void acceptsSecretReferencesAndPointers() {
		HttpToolDefinition tool = tool(Map.of("Authorization", "Bearer {secret:API_TOKEN}"),
				List.of("/status", "/items/0/name", "/a~1b"));

		assertThat(tool.headers()).containsEntry("Authorization", "Bearer {secret:API_TOKEN}");
		assertThat(tool.keptPointers()).hasSize(3);
	}

	private static HttpToolDefinition tool(Map<String, String> headers, List<String> keep) {
		return new HttpToolDefinition("t", "d", HttpToolDefinition.Method.GET, "https://api.example/items/{id}", null,
				headers, keep, null);
	}

}
