package dev.enclave.conversation;

/**
 * One message of an exchange to store as it was sent: a role ({@code system}, {@code user},
 * {@code assistant} or {@code tool}) and its text.
 */
public record ExchangeMessage(MessageRole role, String content) {
}
