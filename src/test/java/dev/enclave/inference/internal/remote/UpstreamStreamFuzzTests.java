package dev.enclave.inference.internal.remote;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.enclave.gateway.ErrorCode;
import dev.enclave.inference.PassthroughFields;
import dev.enclave.inference.ToolCallDelta;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Signal;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.ai.chat.metadata.Usage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeStrategies;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz tests (Jazzer) of what Enclave reads from a model server. A streamed answer's body is
 * arbitrary bytes, decoded as {@link Backend} decodes it (Spring's server-sent event reader
 * with the upstream size limit, then {@link Backend#chunks}) and each chunk read as
 * {@link RemoteChatModel} reads it ({@link ChatBodies#chunk}): the stream yields chunks and
 * ends at {@code [DONE]}, or fails with a malformed {@link UpstreamFailure} that becomes an
 * {@code upstream_error}, never with anything else; and the result is the same whichever way
 * the bytes are cut into network reads. A server's {@code Retry-After} is read or ignored,
 * never thrown over. Regression mode replays the saved inputs under
 * {@code UpstreamStreamFuzzTestsInputs/<method>/}: real streams and their broken variants.
 */
class UpstreamStreamFuzzTests {

	private static final ParameterizedTypeReference<ServerSentEvent<String>> EVENTS = new ParameterizedTypeReference<>() {
	};

	/** The codecs of {@link Backend}'s client, at the default {@code max-response-size}. */
	private static final ExchangeStrategies STRATEGIES = ExchangeStrategies.builder()
		.codecs((codecs) -> codecs.defaultCodecs().maxInMemorySize(16 * 1024 * 1024))
		.build();

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final ChatBodies BODIES = new ChatBodies(JSON);

	// These records' nullable components are not annotated: Jazzer 0.24 corrupts nested records with
	// annotated components when it instruments them for fuzzing (NoSuchFieldError; fixed in 0.27).

	/** One chunk as the assistant sees it; the finish, the token counts and the id may be null. */
	record Chunk(String text, String finish, List<ToolCallDelta> calls, Integer promptTokens, Integer completionTokens,
			PassthroughFields passthrough, String id) {
	}

	/** What a stream came to: its chunks, and the failure it ended with, or null. */
	record Outcome(List<Chunk> chunks, String failure) {
	}

	@FuzzTest
	void anyEventStream(byte[] body) {
		Outcome whole = read(List.of(body));
		assertThat(read(reads(body, new byte[0]))).as("one byte per read").isEqualTo(whole);
		assertThat(read(reads(body, body))).as("reads of assorted sizes").isEqualTo(whole);
	}

	@FuzzTest
	void anyRetryAfter(byte[] header) {
		Duration delay = UpstreamFailure.retryAfter(new String(header, StandardCharsets.UTF_8));
		if (delay != null) {
			assertThat(delay).isBetween(Duration.ofSeconds(1), Duration.ofHours(1));
		}
	}

	private static Outcome read(List<byte[]> reads) {
		Flux<DataBuffer> body = Flux.fromIterable(reads).map(DefaultDataBufferFactory.sharedInstance::wrap);
		ClientResponse response = ClientResponse.create(HttpStatus.OK, STRATEGIES)
			.header(HttpHeaders.CONTENT_TYPE, MediaType.TEXT_EVENT_STREAM_VALUE)
			.body(body)
			.build();
		List<Signal<ChatResponse>> signals = Backend.chunks(response.bodyToFlux(EVENTS), JSON)
			.<ChatResponse>handle((chunk, sink) -> {
				ChatResponse parsed = BODIES.chunk(chunk, "fuzzed");
				if (parsed != null) {
					sink.next(parsed);
				}
			})
			.materialize()
			.collectList()
			.block();
		List<Chunk> chunks = new ArrayList<>();
		String failure = null;
		for (Signal<ChatResponse> signal : signals) {
			if (signal.isOnNext()) {
				chunks.add(chunk(signal.get()));
			}
			else if (signal.isOnError()) {
				failure = failure(signal.getThrowable());
			}
		}
		return new Outcome(chunks, failure);
	}

	private static Chunk chunk(ChatResponse response) {
		assertThat(response.getResult()).isNotNull();
		String text = response.getResult().getOutput().getText();
		assertThat(text).isNotNull();
		Usage usage = response.getMetadata().getUsage();
		return new Chunk(text, response.getResult().getMetadata().getFinishReason(), ToolCallDelta.of(response),
				usage.getPromptTokens(), usage.getCompletionTokens(), PassthroughFields.of(response),
				response.getMetadata().getId());
	}

	/** Only a malformed answer, which the client learns of as the model server's error. */
	private static String failure(Throwable failure) {
		assertThat(failure).isInstanceOf(UpstreamFailure.class);
		UpstreamFailure upstream = (UpstreamFailure) failure;
		assertThat(upstream.kind()).isEqualTo(UpstreamFailure.Kind.MALFORMED);
		assertThat(UpstreamFailure.of(upstream)).isSameAs(upstream);
		assertThat(upstream.toApi("fuzzed").code()).isEqualTo(ErrorCode.UPSTREAM_ERROR);
		return upstream.getMessage();
	}

	/** The body in reads of 1 to 16 bytes, their sizes read from {@code sizes} in turn (none: one byte each). */
	private static List<byte[]> reads(byte[] body, byte[] sizes) {
		List<byte[]> reads = new ArrayList<>();
		int at = 0;
		for (int i = 0; at < body.length; i++) {
			int size = 1 + ((sizes.length == 0) ? 0 : (sizes[i % sizes.length] & 0x0F));
			int end = Math.min(body.length, at + size);
			reads.add(Arrays.copyOfRange(body, at, end));
			at = end;
		}
		return reads;
	}

}
