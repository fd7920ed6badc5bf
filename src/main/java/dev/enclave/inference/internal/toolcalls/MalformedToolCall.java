package dev.enclave.inference.internal.toolcalls;

/**
 * A tool call the model attempted but wrote wrongly, kept so the caller can tell the model
 * what was wrong instead of showing the markup to the user.
 *
 * @param text the markup as generated (at most {@value ToolCallFormat#MAX_CALL_CHARS}
 * characters of it)
 * @param reason what was wrong, in words the model can act on
 */
public record MalformedToolCall(String text, String reason) {
}
