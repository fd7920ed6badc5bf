package dev.enclave.observability.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.DelegatingSpanData;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import io.opentelemetry.sdk.trace.export.SpanExporter;

/**
 * The last gate before spans leave the process: only attributes on an allow-list go out,
 * exception events keep only the exception's type, and an error status loses its
 * description. A library that records a request's URL with its query, an exception message
 * that quotes a prompt, or a parameter value could otherwise carry content to the trace
 * backend; an allow-list holds whatever a future library adds.
 */
final class ContentFreeSpans implements SpanExporter {

	/** Attribute keys with no content: verbs, route templates, statuses, names an operator configured. */
	static final Set<String> ALLOWED = Set.of("method", "uri", "status", "outcome", "exception", "error",
			"client.name", "http.method", "http.route", "http.status_code", "http.request.method",
			"http.response.status_code", "url.scheme", "server.address", "server.port", "net.peer.name",
			"net.peer.port", "db.system", "db.name", "r2dbc.connection", "model", "engine", "tool", "mode",
			"application", "spring.security.reason", "spring.security.filter.order", "exception.type");

	/** R2DBC's query text: parameterized SQL, never its bound values (those are not recorded at all). */
	private static final Pattern QUERY = Pattern.compile("r2dbc\\.query\\[\\d+]");

	private static final AttributeKey<String> EXCEPTION_TYPE = AttributeKey.stringKey("exception.type");

	private final SpanExporter delegate;

	ContentFreeSpans(SpanExporter delegate) {
		this.delegate = delegate;
	}

	@Override
	public CompletableResultCode export(Collection<SpanData> spans) {
		List<SpanData> cleaned = new ArrayList<>(spans.size());
		for (SpanData span : spans) {
			cleaned.add(new Cleaned(span));
		}
		return this.delegate.export(cleaned);
	}

	@Override
	public CompletableResultCode flush() {
		return this.delegate.flush();
	}

	@Override
	public CompletableResultCode shutdown() {
		return this.delegate.shutdown();
	}

	@Override
	public String toString() {
		return "ContentFreeSpans[" + this.delegate + "]";
	}

	static Attributes allowed(Attributes attributes) {
		AttributesBuilder kept = Attributes.builder();
		attributes.forEach((key, value) -> {
			if (ALLOWED.contains(key.getKey()) || QUERY.matcher(key.getKey()).matches()) {
				putUnchecked(kept, key, value);
			}
		});
		return kept.build();
	}

	@SuppressWarnings("unchecked")
	private static void putUnchecked(AttributesBuilder builder, AttributeKey<?> key, Object value) {
		builder.put((AttributeKey<Object>) key, value);
	}

	private static final class Cleaned extends DelegatingSpanData {

		private final Attributes attributes;

		private final List<EventData> events;

		Cleaned(SpanData span) {
			super(span);
			this.attributes = allowed(span.getAttributes());
			List<EventData> kept = new ArrayList<>();
			for (EventData event : span.getEvents()) {
				String type = event.getAttributes().get(EXCEPTION_TYPE);
				Attributes only = (type != null) ? Attributes.of(EXCEPTION_TYPE, type) : Attributes.empty();
				kept.add(EventData.create(event.getEpochNanos(), event.getName(), only));
			}
			this.events = List.copyOf(kept);
		}

		@Override
		public Attributes getAttributes() {
			return this.attributes;
		}

		@Override
		public int getTotalAttributeCount() {
			return this.attributes.size();
		}

		@Override
		public List<EventData> getEvents() {
			return this.events;
		}

		@Override
		public int getTotalRecordedEvents() {
			return this.events.size();
		}

		@Override
		public StatusData getStatus() {
			StatusData status = super.getStatus();
			return status.getDescription().isEmpty() ? status : StatusData.create(status.getStatusCode(), "");
		}

	}

}
