package dev.enclave.tools.internal;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/**
 * Limits around every tool call.
 *
 * @param maxSteps how many rounds of tool calls one turn may make before the model must
 * answer (the loop's bound; tenants may lower it)
 * @param resultMaxBytes the most of a tool's result the model is shown; longer results are
 * cut and marked as truncated
 * @param breaker when a tool counts as failing and is left alone for a while
 */
@ConfigurationProperties("enclave.tools")
@Validated
public record ToolsSettings(@DefaultValue("8") @Min(1) @Max(64) int maxSteps,
		@DefaultValue("16384") @Min(256) @Max(1048576) int resultMaxBytes, @DefaultValue @NotNull Breaker breaker) {

	/**
	 * A circuit breaker per tool.
	 *
	 * @param failureRateThreshold percentage of failed calls that opens it
	 * @param slidingWindow calls it judges by
	 * @param minimumCalls calls before it judges at all
	 * @param openDuration how long an open breaker refuses calls before a trial
	 */
	public record Breaker(@DefaultValue("50") @Min(1) @Max(100) int failureRateThreshold,
			@DefaultValue("10") @Min(1) int slidingWindow, @DefaultValue("5") @Min(1) int minimumCalls,
			@DefaultValue("30s") @NotNull Duration openDuration) {
	}

}
