package dev.enclave.gateway.internal;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.NotNull;

/**
 * Limits the edge enforces on every request.
 *
 * @param maxBodySize largest request body accepted; larger ones get 413
 * @param requestTimeout longest a non-streaming request may take before it is cancelled with
 * 504; event streams are exempt, they end when the answer does
 */
@ConfigurationProperties("enclave.gateway")
@Validated
record GatewaySettings(@DefaultValue("1MB") @NotNull DataSize maxBodySize,
		@DefaultValue("120s") @NotNull Duration requestTimeout) {

	GatewaySettings {
		if (maxBodySize.toBytes() <= 0 || maxBodySize.toBytes() > Integer.MAX_VALUE) {
			throw new IllegalArgumentException("enclave.gateway.max-body-size must be between 1B and 2GB");
		}
		if (requestTimeout.isNegative() || requestTimeout.isZero()) {
			throw new IllegalArgumentException("enclave.gateway.request-timeout must be positive");
		}
	}

}
