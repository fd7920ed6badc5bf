package dev.enclave.tools;

import java.util.Locale;

/**
 * Where one tool call stands, as audited and counted (a metric label: no ids, no content).
 * The executor ends a call in one of the outcomes from {@link #SUCCEEDED} on; the approval
 * states come before a write tool runs.
 */
public enum ToolCallStatus {

	/** A write tool waits for a person's approval. */
	AWAITING_APPROVAL,
	/** A person approved it; it runs next. */
	APPROVED,
	/** A person rejected it; the model is told so. */
	REJECTED,
	/** Nobody decided in time; the model is told it was rejected. */
	EXPIRED,

	/** It ran and returned a result. */
	SUCCEEDED,
	/** It ran and failed. */
	FAILED,
	/** It ran past its timeout. */
	TIMED_OUT,
	/** Its circuit breaker is open: recent calls failed, so it was not tried. */
	UNAVAILABLE,
	/** No such tool is offered. */
	UNKNOWN,
	/** The end user may not use it. */
	DENIED,
	/** Its arguments did not satisfy the schema. */
	INVALID;

	/** The lower-case name used in the API, the audit and metric labels. */
	public String label() {
		return name().toLowerCase(Locale.ROOT);
	}

}
