package dev.enclave.tools.internal;

import java.time.Duration;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The approval queue.
 *
 * @param timeout how long a call waits for a person before it expires and the model is told
 * it was rejected
 * @param sweepInterval how often each replica looks for calls whose time has passed
 * @param sweepBatch the most calls one sweep expires
 */
@ConfigurationProperties("enclave.tools.approvals")
@Validated
public record ApprovalSettings(@DefaultValue("24h") @NotNull Duration timeout,
		@DefaultValue("30s") @NotNull Duration sweepInterval, @DefaultValue("500") @Min(1) int sweepBatch) {
}
