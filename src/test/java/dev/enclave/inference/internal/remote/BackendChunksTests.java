package dev.enclave.inference.internal.remote;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import io.netty.channel.DefaultEventLoop;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.codec.ServerSentEvent;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The end of a streamed answer: {@code [DONE]} ends the chunks, but the response is read to
 * its end, so that the connection can serve the next request.
 */
class BackendChunksTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Test
	void whatFollowsDoneIsReadToTheEndAndIgnoredNotCancelled() {
		AtomicBoolean cancelled = new AtomicBoolean();
		AtomicBoolean readToTheEnd = new AtomicBoolean();
		Flux<ServerSentEvent<String>> body = Flux.just(data("{\"n\":1}"), data("[DONE]"), data("not json"), data("{\"n\":2}"))
			.concatWith(Mono.error(new IllegalArgumentException("a field the reader refuses")))
			.doOnCancel(() -> cancelled.set(true))
			.doOnError((ex) -> readToTheEnd.set(true));

		StepVerifier.create(Backend.chunks(body, JSON))
			.assertNext((chunk) -> assertThat(chunk.get("n").asInt()).isEqualTo(1))
			.verifyComplete();
		assertThat(readToTheEnd).isTrue();
		assertThat(cancelled).isFalse();
	}

	@Test
	void aServerThatNeitherEndsNorClosesAfterDoneIsLetGoAfterAWhile() {
		AtomicBoolean cancelled = new AtomicBoolean();
		StepVerifier
			.withVirtualTime(() -> Backend.chunks(Flux.just(data("{\"n\":1}"), data("[DONE]"))
				.concatWith(Flux.never())
				.doOnCancel(() -> cancelled.set(true)), JSON))
			.expectNextCount(1)
			.expectNoEvent(Backend.AFTER_DONE.minusMillis(1))
			.thenAwait(Backend.AFTER_DONE)
			.verifyComplete();
		assertThat(cancelled).isTrue();
	}

	@Test
	void onAnEventLoopTheWaitAfterDoneIsTimedByThatLoop() throws InterruptedException {
		DefaultEventLoop loop = new DefaultEventLoop();
		try {
			AtomicBoolean cancelled = new AtomicBoolean();
			AtomicReference<Thread> endedOn = new AtomicReference<>();
			AtomicReference<Thread> loopThread = new AtomicReference<>();
			loop.submit(() -> loopThread.set(Thread.currentThread())).sync();
			long started = System.nanoTime();
			StepVerifier.create(Backend.chunks(Flux.just(data("{\"n\":1}"), data("[DONE]"))
				.concatWith(Flux.never())
				.doOnCancel(() -> cancelled.set(true)), JSON)
				.doOnComplete(() -> endedOn.set(Thread.currentThread()))
				.subscribeOn(Schedulers.fromExecutor(loop)))
				.expectNextCount(1)
				.expectComplete()
				.verify(Duration.ofSeconds(30));
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Backend.AFTER_DONE);
			assertThat(endedOn.get()).as("the thread the timer fired on").isSameAs(loopThread.get());
			assertThat(cancelled).isTrue();
		}
		finally {
			loop.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
		}
	}

	@Test
	void aResponseThatEndsWithoutDoneIsMalformed() {
		StepVerifier.create(Backend.chunks(Flux.just(data("{\"n\":1}")), JSON))
			.expectNextCount(1)
			.verifyErrorSatisfies((failure) -> assertThat(failure).isInstanceOf(UpstreamFailure.class)
				.hasMessageContaining("without [DONE]"));
	}

	@Test
	void anUnreadableEventBeforeDoneIsMalformed() {
		StepVerifier
			.create(Backend.chunks(Flux.just(data("{\"n\":1}"))
				.concatWith(Mono.error(new IllegalArgumentException("a field the reader refuses"))), JSON))
			.expectNextCount(1)
			.verifyErrorSatisfies((failure) -> assertThat(failure).isInstanceOf(UpstreamFailure.class)
				.hasMessageContaining("cannot be read"));
	}

	private static ServerSentEvent<String> data(String data) {
		return ServerSentEvent.builder(data).build();
	}

}
