package dev.enclave.inference.internal.toolcalls;

/**
 * A tool call parsed out of generated text.
 *
 * @param id {@code "call_"} and 24 random URL-safe characters, unique per call
 * @param name a declared tool's name
 * @param argumentsJson the arguments, a JSON object written compactly
 */
public record ParsedToolCall(String id, String name, String argumentsJson) {
}
