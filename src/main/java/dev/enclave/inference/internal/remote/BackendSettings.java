package dev.enclave.inference.internal.remote;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * One OpenAI-compatible model server Enclave sits in front of ({@code vLLM}, SGLang, TGI,
 * Ollama), from {@code enclave.inference.backends[]}.
 *
 * @param name a short name for logs, metrics and readiness
 * @param type the protocol; {@code openai} is the one there is
 * @param baseUrl the server's API root, the part before {@code /chat/completions}, such as
 * {@code http://vllm:8000/v1}
 * @param apiKey the server's API key, sent as a bearer token; set it from an environment
 * variable or a secret, never in a file under version control. Never logged
 * @param apiKeyFile a file holding the API key instead (a mounted Kubernetes secret)
 * @param models the models it serves, by the name the server knows them by
 * @param weight its share of the traffic against other servers of the same model
 * @param connectTimeout how long opening a connection may take
 * @param readTimeout the longest silence while a response streams: a server that sends
 * nothing for this long is given up on ({@code 504 upstream_timeout})
 * @param maxConcurrency requests in flight to it at once; a server at its limit gets no
 * more until one ends
 */
public record BackendSettings(@NotBlank @Pattern(regexp = "[a-z0-9][a-z0-9-]{0,62}") String name,
		@DefaultValue("openai") String type, @NotNull URI baseUrl, @Nullable String apiKey, @Nullable Path apiKeyFile,
		@NotEmpty @Valid List<ModelSettings> models, @DefaultValue("1") @Positive int weight,
		@DefaultValue("2s") Duration connectTimeout, @DefaultValue("60s") Duration readTimeout,
		@DefaultValue("64") @Positive int maxConcurrency) {

	public BackendSettings {
		if (!type.equals("openai")) {
			throw new IllegalArgumentException("enclave.inference.backends[" + name + "].type must be openai, not "
					+ type);
		}
		String scheme = (baseUrl.getScheme() != null) ? baseUrl.getScheme().toLowerCase(Locale.ROOT) : "";
		if (!scheme.equals("http") && !scheme.equals("https") || baseUrl.getHost() == null) {
			throw new IllegalArgumentException("enclave.inference.backends[" + name
					+ "].base-url must be an http or https URL such as http://vllm:8000/v1");
		}
		if (apiKey != null && apiKeyFile != null) {
			throw new IllegalArgumentException("enclave.inference.backends[" + name
					+ "] sets both api-key and api-key-file; set one");
		}
		Set<String> names = new HashSet<>();
		for (ModelSettings model : models) {
			for (String called : model.names()) {
				if (!names.add(called)) {
					throw new IllegalArgumentException("enclave.inference.backends[" + name + "] names model " + called
							+ " twice");
				}
			}
		}
		if (readTimeout.isZero() || readTimeout.isNegative() || connectTimeout.isZero() || connectTimeout.isNegative()) {
			throw new IllegalArgumentException("enclave.inference.backends[" + name
					+ "]: connect-timeout and read-timeout must be positive; no wait is unbounded");
		}
	}

	/** The API key to send, read from its file when it comes from one; null when there is none. */
	@Nullable String resolveApiKey() {
		if (this.apiKeyFile == null) {
			return (this.apiKey != null && !this.apiKey.isBlank()) ? this.apiKey.strip() : null;
		}
		try {
			return Files.readString(this.apiKeyFile, StandardCharsets.UTF_8).strip();
		}
		catch (IOException ex) {
			throw new IllegalStateException("The API key file of backend " + this.name + " cannot be read: "
					+ ex.getClass().getSimpleName());
		}
	}

	/** Without the key: settings end up in logs and actuator output, keys must not. */
	@Override
	public String toString() {
		return "BackendSettings[name=" + this.name + ", baseUrl=" + this.baseUrl + ", models=" + this.models
				+ ", weight=" + this.weight + ", apiKey=" + ((this.apiKey != null) ? "(set)" : "(none)") + "]";
	}

	/**
	 * A model on the server.
	 *
	 * @param name the model's name on the server, and its id in Enclave
	 * @param aliases other names clients may ask for it by
	 * @param kind {@code chat} or {@code embedding}
	 * @param tokenizer a directory with the model's {@code tokenizer.json} (and
	 * {@code tokenizer_config.json} with its chat template): prompts are then counted exactly
	 * before they are sent, as the server will count them. Without one, Enclave estimates
	 * (4 bytes a token) for the reservation and takes the server's own count afterwards
	 * @param contextLength the model's context, prompt and answer; 0 to take the server's
	 * {@code max_model_len} from its model list, else 8192
	 */
	public record ModelSettings(@NotBlank @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9._:/@-]{0,127}") String name,
			@DefaultValue({}) List<@Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9._:/@-]{0,127}") String> aliases,
			@DefaultValue("chat") String kind, @Nullable Path tokenizer, @DefaultValue("0") int contextLength) {

		public ModelSettings {
			if (!kind.equals("chat") && !kind.equals("embedding")) {
				throw new IllegalArgumentException("The kind of model " + name + " must be chat or embedding, not "
						+ kind);
			}
			if (contextLength < 0) {
				throw new IllegalArgumentException("The context-length of model " + name + " must not be negative");
			}
		}

		/** Its name and aliases. */
		public List<String> names() {
			return java.util.stream.Stream.concat(java.util.stream.Stream.of(this.name), this.aliases.stream()).toList();
		}

	}

}
