package dev.enclave.inference.internal.toolcalls;

/**
 * A tool call the model attempted but wrote wrongly, kept apart from the content so the
 * caller decides what becomes of it; the engine passes its text on as content, whole, as
 * model servers do with calls they cannot parse.
 *
 * @param text the markup as generated (at most {@value ToolCallFormat#MAX_CALL_CHARS}
 * characters of it)
 * @param reason what was wrong, in words the model can act on
 */
public record MalformedToolCall(String text, String reason) {
}
