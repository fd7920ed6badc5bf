package dev.enclave.tools;

import java.util.Locale;

/** How one tool call ended, as audited and counted (a metric label: no ids, no content). */
public enum ToolCallStatus {

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
