package dev.enclave.gateway;

/**
 * One field-level problem in a request, as it appears in the envelope's {@code details}.
 *
 * @param field the JSON path of the field, for example {@code messages[0].content}
 * @param issue what is wrong with it, in words, never echoing the submitted value
 */
public record FieldIssue(String field, String issue) {
}
