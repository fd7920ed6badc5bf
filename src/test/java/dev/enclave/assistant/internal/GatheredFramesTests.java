package dev.enclave.assistant.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.publisher.TestPublisher;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The loop here is a queue of tasks that the test runs when it chooses: running it is the
 * event loop finishing the read that brought the first frame.
 */
class GatheredFramesTests {

	private final Queue<Runnable> tasks = new ArrayDeque<>();

	private final Executor loop = this.tasks::add;

	@Test
	void framesThatEndBeforeTheLoopMovesOnAreOneBody() {
		AtomicReference<Publisher<byte[]>> answer = new AtomicReference<>();
		new GatheredFrames(Flux.just(bytes("data: 1\n\n"), bytes("data: 2\n\n"), bytes("data: [DONE]\n\n")), this.loop)
			.subscribe(answer::set);

		assertThat(answer.get()).isInstanceOf(Mono.class);
		StepVerifier.create(answer.get())
			.assertNext((whole) -> assertThat(text(whole)).isEqualTo("data: 1\n\ndata: 2\n\ndata: [DONE]\n\n"))
			.verifyComplete();
		this.tasks.forEach(Runnable::run);
	}

	@Test
	void framesStillComingWhenTheLoopMovesOnAreStreamedAsTheyCome() {
		TestPublisher<byte[]> frames = TestPublisher.create();
		AtomicReference<Publisher<byte[]>> answer = new AtomicReference<>();
		new GatheredFrames(frames.flux(), this.loop).subscribe(answer::set);
		frames.next(bytes("a"), bytes("b"));
		assertThat(answer.get()).as("undecided while the read goes on").isNull();

		this.tasks.poll().run();
		assertThat(answer.get()).isNotInstanceOf(Mono.class);
		List<String> received = new ArrayList<>();
		Flux.from(answer.get()).map(GatheredFramesTests::text).subscribe(received::add);
		assertThat(received).containsExactly("a", "b");
		frames.next(bytes("c"));
		assertThat(received).containsExactly("a", "b", "c");
		frames.complete();
		assertThat(this.tasks).as("one task per answer").isEmpty();
	}

	@Test
	void aFailureBeforeTheFirstFrameFailsTheAnswerItself() {
		AtomicReference<Throwable> failure = new AtomicReference<>();
		new GatheredFrames(Flux.error(new IllegalStateException("no model")), this.loop)
			.subscribe((answer) -> { }, failure::set);

		assertThat(failure.get()).hasMessage("no model");
		assertThat(this.tasks).isEmpty();
	}

	@Test
	void aFailureAfterFramesEndsTheStreamAfterThem() {
		AtomicReference<Publisher<byte[]>> answer = new AtomicReference<>();
		new GatheredFrames(Flux.concat(Flux.just(bytes("a")), Flux.error(new IllegalStateException("cut"))), this.loop)
			.subscribe(answer::set);

		StepVerifier.create(Flux.from(answer.get()).map(GatheredFramesTests::text))
			.expectNext("a")
			.verifyErrorMessage("cut");
	}

	@Test
	void onceStreamingTheFramesAreAskedForOnlyAsTheConnectionTakesThem() {
		TestPublisher<byte[]> frames = TestPublisher.create();
		AtomicLong asked = new AtomicLong();
		AtomicLong sent = new AtomicLong();
		Runnable send = () -> {
			frames.next(bytes("frame"));
			sent.incrementAndGet();
		};
		AtomicReference<Publisher<byte[]>> answer = new AtomicReference<>();
		new GatheredFrames(frames.flux().doOnRequest(asked::addAndGet), this.loop).subscribe(answer::set);
		send.run();
		this.tasks.poll().run();

		// TestPublisher.create() fails the test if a frame is sent that was not asked for.
		StepVerifier.create(Flux.from(answer.get()), 0)
			.then(() -> assertThat(asked.get()).isEqualTo(GatheredFrames.PREFETCH))
			.thenRequest(1)
			.expectNextCount(1)
			.then(() -> {
				while (sent.get() < asked.get()) {
					send.run();
				}
			})
			.then(() -> assertThat(asked.get()).as("none asked beyond the batch while the connection waits")
				.isEqualTo(GatheredFrames.PREFETCH))
			.thenRequest(GatheredFrames.PREFETCH)
			.expectNextCount(GatheredFrames.PREFETCH - 1)
			.then(() -> assertThat(asked.get()).as("asked again as the frames were taken")
				.isGreaterThan(GatheredFrames.PREFETCH))
			.then(frames::complete)
			.verifyComplete();
	}

	@Test
	void aClientThatLeavesWhileTheAnswerIsGatheredCancelsTheFrames() {
		TestPublisher<byte[]> frames = TestPublisher.create();
		new GatheredFrames(frames.flux(), this.loop).subscribe().dispose();

		frames.assertCancelled();
	}

	@Test
	void aClientThatLeavesTheStreamCancelsTheFrames() {
		TestPublisher<byte[]> frames = TestPublisher.create();
		AtomicReference<Publisher<byte[]>> answer = new AtomicReference<>();
		new GatheredFrames(frames.flux(), this.loop).subscribe(answer::set);
		frames.next(bytes("a"));
		this.tasks.poll().run();

		Flux.from(answer.get()).take(1).subscribe();

		frames.assertCancelled();
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static String text(byte[] bytes) {
		return new String(bytes, StandardCharsets.UTF_8);
	}

}
