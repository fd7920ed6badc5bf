package dev.enclave.conversation;

import org.jspecify.annotations.Nullable;

/**
 * How a turn ended.
 *
 * @param content the answer's text as far as it was generated
 * @param status complete, partial (cancelled by the client) or failed (engine error)
 * @param usage tokens and timings, also recorded in the usage ledger
 * @param ttftMs from the turn's start to the first token, when there was one
 */
public record TurnOutcome(String content, MessageStatus status, UsageRecord usage, @Nullable Long ttftMs) {
}
