package dev.enclave.conversation.internal;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the conversation store ({@code enclave.conversation.*}).
 *
 * @param turnLockTimeout how long a turn may hold its conversation before another turn may
 * take over (a turn whose replica died never releases it)
 * @param maxHistoryMessages the most recent messages a turn reads to build its prompt (the
 * assistant trims them further to the model's context)
 * @param retentionInterval how often the retention job looks for conversations past their
 * retention
 * @param retentionBatchSize how many conversations one retention pass erases at most
 * @param usageFlushInterval how often usage ledger rows are written, in one batch; a crash
 * loses at most this interval's rows
 * @param usageMaxPending usage rows that may wait for a flush; beyond it (the database is
 * away) each request writes its own row
 */
@ConfigurationProperties("enclave.conversation")
@Validated
record ConversationSettings(@DefaultValue("15m") Duration turnLockTimeout,
		@DefaultValue("500") @Min(1) @Max(10_000) int maxHistoryMessages,
		@DefaultValue("10m") Duration retentionInterval, @DefaultValue("200") @Min(1) @Max(10_000) int retentionBatchSize,
		@DefaultValue("1s") Duration usageFlushInterval, @DefaultValue("10000") @Min(1) int usageMaxPending) {
}
