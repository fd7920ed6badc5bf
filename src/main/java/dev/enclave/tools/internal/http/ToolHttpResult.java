package dev.enclave.tools.internal.http;

import tools.jackson.databind.node.ObjectNode;

/**
 * What an HTTP tool call hands back.
 *
 * @param status the final HTTP status, after any redirects (always 2xx)
 * @param fields one member per {@code keep} path, named by the path itself:
 * {@code {"/status": "ok", "/items/0/name": "first"}}; a path the response does not have is
 * {@code null}
 */
public record ToolHttpResult(int status, ObjectNode fields) {
}
