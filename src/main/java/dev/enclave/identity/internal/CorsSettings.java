package dev.enclave.identity.internal;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Browser origins other than Enclave's own that may call the API. None by default: the
 * console is served from the same origin.
 *
 * @param allowedOrigins exact origins, e.g. {@code https://helpdesk.example.com}
 */
@ConfigurationProperties("enclave.cors")
record CorsSettings(@DefaultValue List<String> allowedOrigins) {
}
