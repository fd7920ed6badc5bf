package dev.enclave.observability;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * The spans Enclave opens itself, each also a timer of the same name. Their tags are low
 * cardinality and free of content; nothing a user wrote is ever a span attribute (the
 * exporter keeps only an allow-list of attribute keys, whatever a library adds). Around
 * them: Spring's HTTP server and client spans ({@code http.server.requests},
 * {@code http.client.requests}, the latter for every call to a model server) and one span
 * per database query ({@code r2dbc.query}, without parameter values).
 */
public enum EnclaveObservation implements ObservationDocumentation {

	/** One answer from an engine, local or remote: from the request to its last token. */
	GENERATION {

		@Override
		public String getName() {
			return "enclave.inference.generation";
		}

		@Override
		public String getContextualName() {
			return "inference generate";
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return new KeyName[] { EnclaveMeter.Tags.MODEL, EnclaveMeter.Tags.ENGINE, EnclaveMeter.Tags.OUTCOME };
		}

	},

	/** One tool call Enclave runs: the tool's work, not the gate or the audit around it. */
	TOOL_CALL {

		@Override
		public String getName() {
			return "enclave.tool.call";
		}

		@Override
		public String getContextualName() {
			return "tool call";
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return new KeyName[] { EnclaveMeter.Tags.TOOL, EnclaveMeter.Tags.MODE, EnclaveMeter.Tags.OUTCOME };
		}

	};

	/** The outcome tag's values, set when the work ends. */
	public static final String OK = "ok";

	public static final String ERROR = "error";

	public static final String CANCELLED = "cancelled";

}
