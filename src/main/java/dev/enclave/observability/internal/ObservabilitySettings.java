package dev.enclave.observability.internal;

import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How Enclave reports on itself.
 *
 * @param accessLog the one line per request
 */
@ConfigurationProperties("enclave.observability")
@Validated
record ObservabilitySettings(@DefaultValue @Valid AccessLogSettings accessLog) {

	/**
	 * @param slowThreshold requests slower than this are logged at WARN with their timing
	 */
	record AccessLogSettings(@DefaultValue("1s") @NotNull Duration slowThreshold) {
	}

}
