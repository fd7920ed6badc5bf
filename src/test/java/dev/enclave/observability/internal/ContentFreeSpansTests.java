package dev.enclave.observability.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What leaves the process in a span: allow-listed attributes, exception types, bare statuses. */
class ContentFreeSpansTests {

	private static final String CONTENT = "my card is 4111 1111 1111 1111";

	private final List<SpanData> sent = new ArrayList<>();

	@Test
	void onlyAllowListedAttributesLeaveAndExceptionsKeepOnlyTheirType() {
		SdkTracerProvider tracing = SdkTracerProvider.builder()
			.addSpanProcessor(SimpleSpanProcessor.create(new ContentFreeSpans(new Collecting())))
			.build();
		Span span = tracing.get("test").spanBuilder("http post /v1/chat/completions").startSpan();
		span.setAttribute("uri", "/v1/chat/completions");
		span.setAttribute("status", "500");
		span.setAttribute("model", "demo");
		span.setAttribute("r2dbc.query[0]", "SELECT id FROM messages WHERE conversation_id = $1");
		span.setAttribute("http.url", "http://enclave/api/v1/conversations?q=" + CONTENT);
		span.setAttribute("r2dbc.params[0]", CONTENT);
		span.setAttribute("gen_ai.prompt", CONTENT);
		span.recordException(new IllegalStateException("Could not parse " + CONTENT));
		span.setStatus(StatusCode.ERROR, "Could not parse " + CONTENT);
		span.end();
		tracing.close();

		SpanData exported = this.sent.get(0);
		assertThat(exported.getAttributes().asMap().keySet()).extracting(AttributeKey::getKey)
			.containsExactlyInAnyOrder("uri", "status", "model", "r2dbc.query[0]");
		assertThat(exported.getTotalAttributeCount()).isEqualTo(4);
		assertThat(exported.getEvents()).singleElement().satisfies((event) -> {
			assertThat(event.getName()).isEqualTo("exception");
			assertThat(event.getAttributes()).isEqualTo(Attributes.of(AttributeKey.stringKey("exception.type"),
					IllegalStateException.class.getName()));
		});
		assertThat(exported.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
		assertThat(exported.getStatus().getDescription()).isEmpty();
		assertThat(exported.toString()).doesNotContain("4111");
	}

	private final class Collecting implements SpanExporter {

		@Override
		public CompletableResultCode export(Collection<SpanData> spans) {
			ContentFreeSpansTests.this.sent.addAll(spans);
			return CompletableResultCode.ofSuccess();
		}

		@Override
		public CompletableResultCode flush() {
			return CompletableResultCode.ofSuccess();
		}

		@Override
		public CompletableResultCode shutdown() {
			return CompletableResultCode.ofSuccess();
		}

	}

}
