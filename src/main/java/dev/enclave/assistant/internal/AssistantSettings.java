package dev.enclave.assistant.internal;

import java.time.Duration;

import jakarta.validation.constraints.Min;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of chat turns ({@code enclave.assistant.*}).
 *
 * @param maxAnswerTokens the longest answer of a turn; the history is trimmed to leave this
 * much room in the model's context
 * @param heartbeatInterval how long a stream may stay silent before a comment line keeps
 * proxies from closing it
 */
@ConfigurationProperties("enclave.assistant")
@Validated
record AssistantSettings(@DefaultValue("1024") @Min(1) int maxAnswerTokens,
		@DefaultValue("15s") Duration heartbeatInterval) {
}
