package dev.enclave.tools;

import java.time.Duration;

/**
 * One call's outcome.
 *
 * @param name the tool's name
 * @param status how it ended
 * @param forModel what the model is told: the result or the error, inside an envelope that
 * marks it as data from a tool, capped in size
 * @param duration how long it ran; zero when it did not run
 */
public record ToolOutcome(String name, ToolCallStatus status, String forModel, Duration duration) {
}
