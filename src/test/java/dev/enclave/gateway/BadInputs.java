package dev.enclave.gateway;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Malformed requests generated from the OpenAPI document, operation by operation: bad path
 * and query parameters, bodies that are not JSON or not the right JSON, wrong content types
 * and odd headers. Each case is built on a minimal valid request (required fields only, from
 * the schema's types, enums and formats), so that it breaks one thing at a time and reaches
 * as deep into the handler as that one thing allows. Path ids are random UUIDs or malformed,
 * never the id of something that exists.
 */
final class BadInputs {

	/** Stands for the caller's credential in header values; the sender fills it in. */
	static final String CREDENTIAL = "{credential}";

	static final String BEARER = "Bearer " + CREDENTIAL;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	/** Swapped, quotes included, for raw JSON bytes after a body is serialized. */
	private static final String MARKER = "@@sweep-raw-value@@";

	/**
	 * springdoc documents Jackson's {@code JsonNode} as a bean with {@code nodeType} and
	 * friends; the field really takes any JSON value.
	 */
	private static final String ANY_JSON = "#/components/schemas/JsonNode";

	private static final int MAX_DEPTH = 3;

	/** How many of the shared header cases each operation gets, in turn. */
	private static final int SHARED_HEADER_CASES = 4;

	private final JsonNode doc;

	/** A {@code next_cursor} of each list, by path, to try on the other lists. */
	private final Map<String, String> cursors;

	private int sharedHeaderTurn;

	BadInputs(JsonNode doc, Map<String, String> cursors) {
		this.doc = doc;
		this.cursors = cursors;
	}

	enum Transport {

		/** {@code WebTestClient}. */
		CLIENT,

		/** A raw socket: for what an HTTP client refuses to send or would normalise. */
		SOCKET

	}

	record Header(String name, String value) {
	}

	/**
	 * One request. {@code target} is the path and query as they go on the request line
	 * (percent-encoded; for a socket, chars stand for bytes). {@code refused}: the body is
	 * not JSON at all, so a 2xx would mean it was not even parsed.
	 */
	record Case(String kind, String label, String method, String target, List<Header> headers, byte @Nullable [] body,
			Transport transport, boolean refused) {
	}

	record Operation(String method, String path, JsonNode spec) {

		boolean openAi() {
			return this.path.startsWith("/v1/");
		}

		@Override
		public String toString() {
			return this.method + " " + this.path;
		}

	}

	/** Every path and method of the document. */
	List<Operation> operations() {
		List<Operation> operations = new ArrayList<>();
		for (Map.Entry<String, JsonNode> path : this.doc.get("paths").properties()) {
			for (Map.Entry<String, JsonNode> method : path.getValue().properties()) {
				operations.add(new Operation(method.getKey().toUpperCase(), path.getKey(), method.getValue()));
			}
		}
		return operations;
	}

	/** Every malformed request for one operation. */
	List<Case> cases(Operation op) {
		List<Case> cases = new ArrayList<>();
		JsonNode bodySchema = bodySchema(op);
		pathCases(op, bodySchema, cases);
		queryCases(op, bodySchema, cases);
		if (bodySchema != null) {
			bodyCases(op, bodySchema, cases);
			propertyCases(op, bodySchema, cases);
			contentTypeCases(op, bodySchema, cases);
		}
		headerCases(op, bodySchema, cases);
		return cases;
	}

	/** Methods a path does not declare: each should be a plain 405. */
	List<Case> methodCases(String path, List<String> declared) {
		List<Case> cases = new ArrayList<>();
		String target = fill(path, Map.of());
		for (String method : List.of("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE")) {
			if (!declared.contains(method)) {
				cases.add(new Case("method", method, method, target, auth(), null, Transport.CLIENT, false));
			}
		}
		return cases;
	}

	// Path parameters

	private void pathCases(Operation op, @Nullable JsonNode bodySchema, List<Case> cases) {
		byte[] body = (bodySchema != null) ? bytes(minimal(bodySchema)) : null;
		List<Header> headers = (body != null) ? jsonHeaders() : auth();
		for (JsonNode parameter : parameters(op, "path")) {
			String name = parameter.get("name").asString();
			Map<String, String> values = new LinkedHashMap<>();
			values.put("encoded slashes", "..%2F..%2Fetc");
			values.put("encoded NUL", "%00");
			values.put("encoded dots", "%2e%2e");
			values.put("300 chars", "a".repeat(300));
			values.put("-1", "-1");
			values.put("emoji", "%F0%9F%98%80");
			values.put("null", "null");
			values.put("not a UUID", "not-a-uuid");
			values.put("nil UUID", "00000000-0000-0000-0000-000000000000");
			values.put("space", "%20");
			values.put("encoded percent", "%25");
			values.put("invalid UTF-8", "%FF%FE");
			values.put("quote", "%27%20OR%20%271%27%3D%271");
			values.forEach((label, value) -> cases.add(new Case("path", name + ": " + label, op.method(),
					fill(op.path(), Map.of(name, value)), headers, body, Transport.CLIENT, false)));
			// Raw bytes and broken escapes: an HTTP client would encode or refuse them.
			Map<String, String> raw = new LinkedHashMap<>();
			raw.put("raw emoji", new String("😀".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1));
			raw.put("lone %", "%");
			raw.put("bad escape", "%zz");
			raw.put("raw ..", "..");
			raw.forEach((label, value) -> cases.add(new Case("path", name + ": " + label, op.method(),
					fill(op.path(), Map.of(name, value)), headers, body, Transport.SOCKET, false)));
		}
	}

	// Query parameters

	private void queryCases(Operation op, @Nullable JsonNode bodySchema, List<Case> cases) {
		byte[] body = (bodySchema != null) ? bytes(minimal(bodySchema)) : null;
		List<Header> headers = (body != null) ? jsonHeaders() : auth();
		String path = fill(op.path(), Map.of());
		for (JsonNode parameter : parameters(op, "query")) {
			String name = parameter.get("name").asString();
			JsonNode schema = resolve(parameter.path("schema"));
			Map<String, String> values = new LinkedHashMap<>();
			values.put("-1", "-1");
			values.put("huge number", "99999999999999999999");
			values.put("1e309", "1e309");
			values.put("empty", "");
			values.put("encoded NUL", "%00");
			values.put("invalid UTF-8", "%FF%FE");
			values.put("3 KB", "q".repeat(3 * 1024));
			values.put("!!!", "!!!");
			values.put("base64 garbage", Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(24)));
			values.put("JSON", "%7B%22a%22%3A1%7D");
			values.put("far future", "%2B999999999-12-31T23:59:59Z");
			values.put("bad date", "2026-13-45");
			if ("integer".equals(schema.path("type").asString()) || "number".equals(schema.path("type").asString())) {
				values.put("wrong type", "abc");
				values.put("1.5", "1.5");
				values.put("0", "0");
				values.put("int overflow", "2147483648");
			}
			else {
				values.put("wrong type", "%5B%5D");
			}
			if (name.equals("cursor")) {
				this.cursors.forEach((list, cursor) -> {
					if (!list.equals(op.path())) {
						values.put("cursor of " + list, cursor);
					}
				});
				values.put("base64 JSON", Base64.getUrlEncoder()
					.withoutPadding()
					.encodeToString("{\"id\":\"x\",\"at\":-1}".getBytes(StandardCharsets.UTF_8)));
			}
			values.forEach((label, value) -> cases.add(new Case("query", name + ": " + label, op.method(),
					path + "?" + name + "=" + value, headers, body, Transport.CLIENT, false)));
			cases.add(new Case("query", name + ": repeated", op.method(), path + "?" + name + "=1&" + name + "=2",
					headers, body, Transport.CLIENT, false));
			cases.add(new Case("query", name + ": bad escape", op.method(), path + "?" + name + "=%zz", headers, body,
					Transport.SOCKET, false));
			// Over the request line's 4 KB: the codec answers 414 and closes, maybe before the
			// whole line is read, which a pooled client connection can take for a hang.
			cases.add(new Case("query", name + ": 10 KB", op.method(), path + "?" + name + "=" + "q".repeat(10 * 1024),
					headers, body, Transport.SOCKET, false));
		}
		// Whatever the operation declares, the query string itself can be broken.
		cases.add(new Case("query", "unknown param with NUL", op.method(), path + "?sweep=%00", headers, body,
				Transport.CLIENT, false));
		cases.add(new Case("query", "no name", op.method(), path + "?=1&&&", headers, body, Transport.CLIENT, false));
		cases.add(new Case("query", "lone %", op.method(), path + "?%", headers, body, Transport.SOCKET, false));
	}

	// Whole bodies

	private void bodyCases(Operation op, JsonNode schema, List<Case> cases) {
		String target = fill(op.path(), Map.of());
		byte[] minimal = bytes(minimal(schema));
		Map<String, byte[]> bodies = new LinkedHashMap<>();
		bodies.put("empty", new byte[0]);
		bodies.put("null", ascii("null"));
		bodies.put("[]", ascii("[]"));
		bodies.put("123", ascii("123"));
		bodies.put("\"s\"", ascii("\"s\""));
		bodies.put("{}", ascii("{}"));
		bodies.put("trailing garbage", concat(minimal, ascii(" }garbage")));
		bodies.put("two documents", concat(minimal, minimal));
		bodies.put("byte order mark", concat(new byte[] { (byte) 0xEF, (byte) 0xBB, (byte) 0xBF }, minimal));
		bodies.put("unknown field with invalid UTF-8", concat(ascii("{\"sweep\": \"a"),
				new byte[] { (byte) 0xC3, 0x28 }, ascii("b\"}")));
		bodies.put("unknown field with escaped lone surrogate", ascii("{\"sweep\": \"\\ud800\"}"));
		bodies.put("unknown field with raw lone surrogate", concat(ascii("{\"sweep\": \""),
				new byte[] { (byte) 0xED, (byte) 0xA0, (byte) 0x80 }, ascii("\"}")));
		ObjectNode extra = (ObjectNode) minimal(schema);
		extra.set("sweep_unknown_field", NODES.arrayNode().add(NODES.objectNode().put("deep", true)));
		bodies.put("extra unknown field", bytes(extra));
		bodies.forEach((label, body) -> cases.add(new Case("body", label, op.method(), target, jsonHeaders(), body,
				Transport.CLIENT, false)));
		Map<String, byte[]> broken = new LinkedHashMap<>();
		broken.put("truncated {", ascii("{"));
		broken.put("truncated minimal", Arrays.copyOf(minimal, Math.max(1, minimal.length - 1)));
		broken.put("10,000 [", ascii("[".repeat(10_000)));
		broken.put("10,000 nested objects", ascii("{\"a\":".repeat(10_000)));
		broken.put("10,000 balanced [", ascii("[".repeat(10_000) + "]".repeat(10_000)));
		broken.put("invalid UTF-8 bytes", concat(ascii("{\"a\": \""), new byte[] { (byte) 0xC3, 0x28 }, ascii("\"")));
		broken.put("NUL byte outside a string", ascii("{\"a\":\u0000 1}"));
		broken.put("single quotes", ascii("{'a': 1}"));
		broken.put("comment", ascii("/* x */ {}"));
		broken.put("NaN", ascii("{\"a\": NaN}"));
		broken.forEach((label, body) -> cases.add(new Case("body", label, op.method(), target, jsonHeaders(), body,
				Transport.CLIENT, !label.equals("comment") && !label.equals("NaN"))));
		// Over enclave.gateway.max-body-size (1 MB): the limit, not the parser, answers.
		byte[] huge = new byte[1024 * 1024 + 1];
		Arrays.fill(huge, (byte) ' ');
		cases.add(new Case("body", "over 1 MB", op.method(), target, jsonHeaders(), huge, Transport.CLIENT, false));
	}

	// Properties, one at a time, on a minimal valid body

	private record Property(List<Object> path, JsonNode schema) {

		String name() {
			StringBuilder name = new StringBuilder();
			for (Object segment : this.path) {
				if (segment instanceof Integer index) {
					name.append('[').append(index).append(']');
				}
				else {
					name.append((name.length() > 0) ? "." : "").append(segment);
				}
			}
			return name.toString();
		}

	}

	private void propertyCases(Operation op, JsonNode schema, List<Case> cases) {
		String target = fill(op.path(), Map.of());
		List<Property> properties = new ArrayList<>();
		collect(schema, new ArrayList<>(), 0, properties);
		for (Property property : properties) {
			Map<String, byte[]> values = new LinkedHashMap<>();
			String type = isAny(property.schema()) ? "any" : resolve(property.schema()).path("type").asString("object");
			Map<String, String> wrong = new LinkedHashMap<>();
			wrong.put("string", "\"sweep\"");
			wrong.put("number", "1");
			wrong.put("boolean", "true");
			wrong.put("array", "[]");
			wrong.put("object", "{}");
			wrong.forEach((wrongType, json) -> {
				if (!wrongType.equals(type) && !(wrongType.equals("number") && type.equals("integer"))) {
					values.put("wrong type " + wrongType, ascii(json));
				}
			});
			values.put("null", ascii("null"));
			values.put("100 KB string", ascii("\"" + "x".repeat(100 * 1024) + "\""));
			if (type.equals("integer") || type.equals("number") || type.equals("any")) {
				values.put("1e309", ascii("1e309"));
				values.put("-1e309", ascii("-1e309"));
				values.put("1.5", ascii("1.5"));
				values.put("2^63", ascii("9223372036854775808"));
				values.put("-2^63-1", ascii("-9223372036854775809"));
				values.put("2^31", ascii("2147483648"));
				values.put("-1", ascii("-1"));
				values.put("0", ascii("0"));
			}
			if (type.equals("string") || type.equals("any")) {
				values.put("NUL", ascii("\"a\\u0000b\""));
				values.put("escaped lone surrogate", ascii("\"\\ud800\""));
				values.put("raw lone surrogate (CESU)",
						concat(ascii("\"a"), new byte[] { (byte) 0xED, (byte) 0xA0, (byte) 0x80 }, ascii("b\"")));
				values.put("invalid UTF-8", concat(ascii("\"a"), new byte[] { (byte) 0xC3, 0x28 }, ascii("b\"")));
				values.put("empty", ascii("\"\""));
				values.put("blank", ascii("\" \\t\\n \""));
			}
			if (type.equals("array")) {
				JsonNode items = resolve(property.schema().path("items"));
				values.put("[null]", ascii("[null]"));
				values.put("[[]]", ascii("[[]]"));
				String itemType = isAny(items) ? "any" : items.path("type").asString("object");
				values.put("wrong item type", ascii(itemType.equals("string") ? "[1]" : "[\"sweep\"]"));
				byte[] item = bytes(minimal(items));
				ByteArrayOutputStream many = new ByteArrayOutputStream();
				many.write('[');
				for (int i = 0; i < 10_000; i++) {
					if (i > 0) {
						many.write(',');
					}
					many.writeBytes(item);
				}
				many.write(']');
				values.put("10,000 items", many.toByteArray());
			}
			values.forEach((label, value) -> cases.add(new Case("property", property.name() + ": " + label,
					op.method(), target, jsonHeaders(), withValue(schema, property.path(), value), Transport.CLIENT,
					false)));
		}
		ObjectNode missing = NODES.objectNode();
		cases.add(new Case("property", "missing required fields", op.method(), target, jsonHeaders(), bytes(missing),
				Transport.CLIENT, false));
	}

	private void collect(JsonNode schema, List<Object> prefix, int depth, List<Property> out) {
		JsonNode resolved = resolve(schema);
		if (depth >= MAX_DEPTH || isAny(schema)) {
			return;
		}
		for (Map.Entry<String, JsonNode> property : resolved.path("properties").properties()) {
			List<Object> path = new ArrayList<>(prefix);
			path.add(property.getKey());
			out.add(new Property(path, property.getValue()));
			JsonNode value = resolve(property.getValue());
			if (isObject(value) && !isAny(property.getValue())) {
				collect(property.getValue(), path, depth + 1, out);
			}
			else if ("array".equals(value.path("type").asString()) && isObject(resolve(value.path("items")))
					&& !isAny(value.path("items"))) {
				List<Object> item = new ArrayList<>(path);
				item.add(0);
				collect(value.path("items"), item, depth + 1, out);
			}
		}
	}

	/** The minimal body with the value at {@code path} replaced by raw JSON bytes. */
	private byte[] withValue(JsonNode rootSchema, List<Object> path, byte[] raw) {
		ObjectNode root = (ObjectNode) minimal(rootSchema);
		JsonNode parent = root;
		JsonNode schema = resolve(rootSchema);
		for (int i = 0; i < path.size() - 1; i++) {
			Object segment = path.get(i);
			if (segment instanceof String name) {
				JsonNode childSchema = schema.path("properties").path(name);
				JsonNode child = parent.get(name);
				if (child == null || !child.isContainer()) {
					child = minimal(childSchema);
					((ObjectNode) parent).set(name, child);
				}
				parent = child;
				schema = resolve(childSchema);
			}
			else {
				parent = parent.get((Integer) segment);
				schema = resolve(schema.path("items"));
			}
		}
		Object last = path.get(path.size() - 1);
		if (last instanceof String name) {
			((ObjectNode) parent).put(name, MARKER);
		}
		else {
			((ArrayNode) parent).set((Integer) last, NODES.stringNode(MARKER));
		}
		return replace(bytes(root), ascii("\"" + MARKER + "\""), raw);
	}

	// Content types

	private void contentTypeCases(Operation op, JsonNode schema, List<Case> cases) {
		String target = fill(op.path(), Map.of());
		byte[] minimal = bytes(minimal(schema));
		Map<String, String> types = new LinkedHashMap<>();
		types.put("text/plain", "text/plain");
		types.put("application/xml", "application/xml");
		types.put("UTF-16", "application/json; charset=utf-16");
		types.put("form", "application/x-www-form-urlencoded");
		types.put("vendor JSON", "application/vnd.sweep+json");
		types.put("wildcard", "*/*");
		types.forEach((label, type) -> cases.add(new Case("content-type", label, op.method(), target,
				List.of(new Header("Authorization", BEARER), new Header("Content-Type", type)), minimal,
				Transport.CLIENT, false)));
		String boundary = "sweep-boundary";
		byte[] multipart = concat(ascii("--" + boundary + "\r\nContent-Disposition: form-data; name=\"body\"\r\n"
				+ "Content-Type: application/json\r\n\r\n"), minimal, ascii("\r\n--" + boundary + "--\r\n"));
		cases.add(new Case("content-type", "multipart", op.method(), target,
				List.of(new Header("Authorization", BEARER),
						new Header("Content-Type", "multipart/form-data; boundary=" + boundary)),
				multipart, Transport.CLIENT, false));
		cases.add(new Case("content-type", "multipart without boundary", op.method(), target,
				List.of(new Header("Authorization", BEARER), new Header("Content-Type", "multipart/form-data")),
				multipart, Transport.CLIENT, false));
		// Values an HTTP client refuses to send (they do not parse as a media type), and none at all.
		cases.add(new Case("content-type", "none", op.method(), target, auth(), minimal, Transport.SOCKET, false));
		for (String invalid : List.of("garbage", "application/json;;;", "/", "application/json; charset",
				"application/json; charset=", "application/json; charset=sweep-bogus")) {
			cases.add(new Case("content-type", "invalid " + invalid, op.method(), target,
					List.of(new Header("Authorization", BEARER), new Header("Content-Type", invalid)), minimal,
					Transport.SOCKET, false));
		}
		cases.add(new Case("content-type", "gzip that is not", op.method(), target,
				List.of(new Header("Authorization", BEARER), new Header("Content-Type", "application/json"),
						new Header("Content-Encoding", "gzip")),
				minimal, Transport.CLIENT, false));
	}

	// Headers

	/**
	 * Header cases for every operation, and a share of the rest: each of those is the same
	 * filter chain whatever the route, so it runs on a few operations in turn rather than all.
	 */
	private void headerCases(Operation op, @Nullable JsonNode bodySchema, List<Case> cases) {
		String target = fill(op.path(), Map.of());
		byte[] body = (bodySchema != null) ? bytes(minimal(bodySchema)) : null;
		List<Header> base = (body != null) ? jsonHeaders() : auth();
		List<Case> every = new ArrayList<>();
		List<Case> shared = new ArrayList<>();
		every.add(header("Range", target, op, with(base, "Range", "bytes=0-99999999999999999999"), body, Transport.CLIENT));
		every.add(header("Accept xml", target, op, with(base, "Accept", "application/xml"), body, Transport.CLIENT));
		every.add(header("Accept event stream", target, op, with(base, "Accept", "text/event-stream"), body,
				Transport.CLIENT));
		every.add(header("Bearer without token", target, op, replaceAuth(base, "Bearer"), body, Transport.CLIENT));
		every.add(header("API key of nobody", target, op, replaceAuth(base, "Bearer ek_live_" + "0".repeat(40)), body,
				Transport.CLIENT));
		every.add(header("two Authorization (good, bad)", target, op, with(base, "Authorization", "Bearer sweep-garbage"),
				body, Transport.SOCKET));
		List<Header> badFirst = new ArrayList<>(List.of(new Header("Authorization", "Bearer sweep-garbage")));
		badFirst.addAll(base);
		every.add(header("two Authorization (bad, good)", target, op, badFirst, body, Transport.SOCKET));
		every.add(header("two Content-Type", target, op,
				with(with(auth(), "Content-Type", "application/json"), "Content-Type", "text/plain"), body,
				Transport.SOCKET));
		every.add(header("Accept invalid", target, op, with(base, "Accept", "garbage///"), body, Transport.SOCKET));
		shared.add(header("Accept bad quality", target, op, with(base, "Accept", "application/json;q=x"), body,
				Transport.CLIENT));
		shared.add(header("Bearer 8 KB", target, op, replaceAuth(base, "Bearer " + "A".repeat(8 * 1024)), body,
				Transport.CLIENT));
		shared.add(header("Basic", target, op, replaceAuth(base, "Basic c3dlZXA6c3dlZXA="), body, Transport.CLIENT));
		shared.add(header("JWT of nobody", target, op, replaceAuth(base, "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."),
				body, Transport.CLIENT));
		shared.add(header("traceparent garbage", target, op, with(base, "traceparent", "garbage"), body,
				Transport.CLIENT));
		shared.add(header("traceparent zero ids", target, op,
				with(base, "traceparent", "00-" + "0".repeat(32) + "-" + "0".repeat(16) + "-01"), body, Transport.CLIENT));
		shared.add(header("traceparent future version", target, op,
				with(base, "traceparent", "ff-" + "a".repeat(32) + "-" + "b".repeat(16) + "-01"), body, Transport.CLIENT));
		shared.add(header("Origin elsewhere", target, op, with(base, "Origin", "https://evil.example"), body,
				Transport.CLIENT));
		shared.add(header("Origin null", target, op, with(base, "Origin", "null"), body, Transport.CLIENT));
		shared.add(header("X-Forwarded-For garbage", target, op, with(base, "X-Forwarded-For", "not an address, ::::"),
				body, Transport.CLIENT));
		shared.add(header("X-Forwarded-Port not a number", target, op, with(base, "X-Forwarded-Port", "abc"), body,
				Transport.CLIENT));
		shared.add(header("X-Forwarded-Host with space", target, op, with(base, "X-Forwarded-Host", "a b"), body,
				Transport.CLIENT));
		shared.add(header("Forwarded broken", target, op, with(base, "Forwarded", "for=\"[bad"), body, Transport.CLIENT));
		shared.add(header("Idempotency-Key 2 KB", target, op, with(base, "Idempotency-Key", "k".repeat(2048)), body,
				Transport.CLIENT));
		shared.add(header("two Authorization (good, good)", target, op, with(base, "Authorization", BEARER), body,
				Transport.SOCKET));
		shared.add(header("Authorization with a control char", target, op, replaceAuth(base, "Bearer \u0001x"), body,
				Transport.SOCKET));
		shared.add(header("header value Latin-1", target, op, with(base, "X-Sweep", "caf\u00e9"), body,
				Transport.SOCKET));
		cases.addAll(every);
		for (int i = 0; i < SHARED_HEADER_CASES; i++) {
			cases.add(shared.get((this.sharedHeaderTurn++) % shared.size()));
		}
	}

	private static Case header(String label, String target, Operation op, List<Header> headers, byte @Nullable [] body,
			Transport transport) {
		return new Case("header", label, op.method(), target, headers, body, transport, false);
	}

	// The minimal valid value of a schema

	/** Required properties only; enums take their first value, formats a value of theirs. */
	JsonNode minimal(JsonNode schema) {
		if (isAny(schema)) {
			return NODES.stringNode("sweep");
		}
		JsonNode resolved = resolve(schema);
		if (resolved.has("enum")) {
			return resolved.get("enum").get(0);
		}
		String type = resolved.path("type").asString(resolved.has("properties") ? "object" : "string");
		switch (type) {
			case "object": {
				ObjectNode object = NODES.objectNode();
				for (JsonNode required : resolved.path("required")) {
					String name = required.asString();
					object.set(name, minimal(resolved.path("properties").path(name)));
				}
				return object;
			}
			case "array":
				return NODES.arrayNode().add(minimal(resolved.path("items")));
			case "integer":
			case "number": {
				long value = 1;
				if (resolved.has("minimum") && resolved.get("minimum").asLong() > 1) {
					value = resolved.get("minimum").asLong();
				}
				return NODES.numberNode(value);
			}
			case "boolean":
				return NODES.booleanNode(false);
			default:
				return NODES.stringNode(minimalString(resolved));
		}
	}

	private static String minimalString(JsonNode schema) {
		String format = schema.path("format").asString("");
		switch (format) {
			case "uuid":
				return UUID.randomUUID().toString();
			case "date-time":
				return "2030-01-01T00:00:00Z";
			case "date":
				return "2030-01-01";
			case "email":
				return "sweep@example.com";
			default:
				break;
		}
		String pattern = schema.path("pattern").asString("");
		if (pattern.matches("[a-z]+(\\|[a-z]+)+")) {
			return pattern.substring(0, pattern.indexOf('|'));
		}
		// Lower-case letters and digits fit every name pattern the API has; unique, so nothing conflicts.
		StringBuilder value = new StringBuilder("sweep" + Integer.toHexString(ThreadLocalRandom.current().nextInt()));
		while (value.length() < schema.path("minLength").asInt(0)) {
			value.append('x');
		}
		int max = schema.path("maxLength").asInt(Integer.MAX_VALUE);
		return (value.length() > max) ? value.substring(0, Math.max(1, max)) : value.toString();
	}

	// Helpers

	private @Nullable JsonNode bodySchema(Operation op) {
		JsonNode content = op.spec().path("requestBody").path("content");
		JsonNode json = content.path("application/json");
		return json.isMissingNode() ? null : json.path("schema");
	}

	private List<JsonNode> parameters(Operation op, String in) {
		List<JsonNode> parameters = new ArrayList<>();
		for (JsonNode parameter : op.spec().path("parameters")) {
			if (in.equals(parameter.path("in").asString())) {
				parameters.add(parameter);
			}
		}
		return parameters;
	}

	/** The path with its parameters filled in: the given raw values, else a valid one (a random UUID). */
	private String fill(String path, Map<String, String> values) {
		StringBuilder filled = new StringBuilder();
		int at = 0;
		while (at < path.length()) {
			int open = path.indexOf('{', at);
			if (open < 0) {
				filled.append(path, at, path.length());
				break;
			}
			int close = path.indexOf('}', open);
			filled.append(path, at, open);
			String name = path.substring(open + 1, close);
			filled.append(values.containsKey(name) ? values.get(name) : UUID.randomUUID().toString());
			at = close + 1;
		}
		return filled.toString();
	}

	JsonNode resolve(JsonNode schema) {
		JsonNode current = schema;
		for (int i = 0; i < 10 && current.has("$ref"); i++) {
			String ref = current.get("$ref").asString();
			current = this.doc.path("components").path("schemas").path(ref.substring(ref.lastIndexOf('/') + 1));
		}
		return current;
	}

	private static boolean isAny(JsonNode schema) {
		return ANY_JSON.equals(schema.path("$ref").asString(""));
	}

	private static boolean isObject(JsonNode resolved) {
		return "object".equals(resolved.path("type").asString()) || resolved.has("properties");
	}

	private static List<Header> auth() {
		return List.of(new Header("Authorization", BEARER));
	}

	private static List<Header> jsonHeaders() {
		return List.of(new Header("Authorization", BEARER), new Header("Content-Type", "application/json"));
	}

	private static List<Header> with(List<Header> headers, String name, String value) {
		List<Header> all = new ArrayList<>(headers);
		all.add(new Header(name, value));
		return all;
	}

	private static List<Header> replaceAuth(List<Header> headers, String authorization) {
		List<Header> all = new ArrayList<>();
		for (Header header : headers) {
			all.add(header.name().equals("Authorization") ? new Header("Authorization", authorization) : header);
		}
		return all;
	}

	static byte[] bytes(JsonNode node) {
		return JSON.writeValueAsBytes(node);
	}

	static byte[] ascii(String text) {
		return text.getBytes(StandardCharsets.ISO_8859_1);
	}

	private static byte[] concat(byte[]... parts) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (byte[] part : parts) {
			out.writeBytes(part);
		}
		return out.toByteArray();
	}

	private static byte[] replace(byte[] bytes, byte[] marker, byte[] replacement) {
		for (int i = 0; i + marker.length <= bytes.length; i++) {
			if (Arrays.equals(bytes, i, i + marker.length, marker, 0, marker.length)) {
				return concat(Arrays.copyOfRange(bytes, 0, i), replacement,
						Arrays.copyOfRange(bytes, i + marker.length, bytes.length));
			}
		}
		throw new IllegalStateException("marker not found");
	}

	private static byte[] randomBytes(int length) {
		byte[] bytes = new byte[length];
		ThreadLocalRandom.current().nextBytes(bytes);
		return bytes;
	}

}
