package dev.enclave.tools.internal;

import java.util.List;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaException;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A tool's argument schema, compiled once, with the validation the model's arguments go
 * through. JSON Schema 2020-12 (the dialect OpenAI-style tool definitions use); remote
 * {@code $ref}s are never fetched, since nothing may be downloaded at run time.
 */
final class ArgumentSchema {

	private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(
			SpecificationVersion.DRAFT_2020_12, (builder) -> builder.schemaLoader((loader) -> loader.fetchRemoteResources(false)));

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** The 2020-12 meta-schema, from the library's bundled copy (resolved by id, never fetched). */
	private static final Schema META_SCHEMA = SCHEMAS
		.getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));

	/** Most error messages told to the model for one call; the first ones say enough. */
	private static final int MAX_ERRORS = 5;

	private final Schema schema;

	private ArgumentSchema(Schema schema) {
		this.schema = schema;
	}

	/**
	 * Compiles {@code schemaText}.
	 * @throws IllegalArgumentException naming the tool, when the text is not a JSON Schema
	 * object, so a bad definition stops the start-up instead of failing every call
	 */
	static ArgumentSchema compile(String tool, String schemaText) {
		JsonNode node;
		try {
			node = JSON.readTree(schemaText);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException("The argument schema of tool " + tool + " is not JSON: "
					+ ex.getOriginalMessage());
		}
		if (node == null || !node.isObject()) {
			throw new IllegalArgumentException("The argument schema of tool " + tool + " must be a JSON object");
		}
		List<Error> problems = META_SCHEMA.validate(node);
		if (!problems.isEmpty()) {
			throw new IllegalArgumentException("The argument schema of tool " + tool + " is not a valid JSON Schema: "
					+ problems.get(0).getMessage());
		}
		try {
			Schema schema = SCHEMAS.getSchema(schemaText);
			schema.initializeValidators();
			return new ArgumentSchema(schema);
		}
		catch (SchemaException | IllegalArgumentException ex) {
			throw new IllegalArgumentException("The argument schema of tool " + tool + " is not a valid JSON Schema: "
					+ ex.getMessage(), ex);
		}
	}

	/** Parses and validates the model's arguments. */
	Result validate(String argumentsJson) {
		JsonNode arguments;
		try {
			arguments = argumentsJson.isBlank() ? JSON.createObjectNode() : JSON.readTree(argumentsJson);
		}
		catch (JacksonException ex) {
			return new Result(null, List.of("the arguments are not valid JSON (" + ex.getOriginalMessage() + ")"));
		}
		if (arguments == null || !arguments.isObject()) {
			return new Result(null, List.of("the arguments must be a JSON object"));
		}
		List<Error> errors = this.schema.validate(arguments);
		if (errors.isEmpty()) {
			return new Result(arguments, List.of());
		}
		return new Result(null, errors.stream().limit(MAX_ERRORS).map(Error::getMessage).toList());
	}

	/** Valid arguments, or why not. */
	record Result(@org.jspecify.annotations.Nullable JsonNode arguments, List<String> errors) {

		boolean valid() {
			return this.errors.isEmpty();
		}

	}

}
