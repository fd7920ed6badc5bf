package dev.enclave.inference.internal.engine;

import dev.enclave.inference.internal.checkpoint.CheckpointException;
import tools.jackson.databind.JsonNode;

/** Reads {@code config.json} fields with messages that name the missing or odd field. */
final class ConfigReader {

	private final JsonNode config;

	ConfigReader(JsonNode config) {
		this.config = config;
	}

	JsonNode node(String field) {
		return this.config.path(field);
	}

	int integer(String field) {
		JsonNode node = this.config.path(field);
		if (!node.isIntegralNumber()) {
			throw new CheckpointException("config.json has no integer " + field);
		}
		return node.asInt();
	}

	int integer(String field, int fallback) {
		JsonNode node = this.config.path(field);
		return node.isIntegralNumber() ? node.asInt() : fallback;
	}

	/** The first of {@code fields} present, for configs that renamed a field over time. */
	int firstInteger(String... fields) {
		for (String field : fields) {
			if (this.config.path(field).isIntegralNumber()) {
				return this.config.path(field).asInt();
			}
		}
		throw new CheckpointException("config.json has none of " + String.join(", ", fields));
	}

	double number(String field, double fallback) {
		JsonNode node = this.config.path(field);
		return node.isNumber() ? node.asDouble() : fallback;
	}

	boolean flag(String field, boolean fallback) {
		JsonNode node = this.config.path(field);
		return node.isBoolean() ? node.asBoolean() : fallback;
	}

	String text(String field, String fallback) {
		JsonNode node = this.config.path(field);
		return node.isString() ? node.asString() : fallback;
	}

	/** Refuses a checkpoint whose {@code field} is not {@code expected}. */
	void expect(String field, boolean expected, boolean fallback) {
		if (flag(field, fallback) != expected) {
			throw new CheckpointException("config.json sets " + field + " to " + !expected
					+ "; Enclave runs this architecture only with " + field + " = " + expected);
		}
	}

}
