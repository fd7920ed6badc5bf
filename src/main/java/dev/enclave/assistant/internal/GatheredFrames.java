package dev.enclave.assistant.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

import io.netty.util.internal.ThreadExecutorMap;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.util.concurrent.Queues;
import reactor.util.context.Context;

/**
 * The frames of an answer, gathered while they arrive together. When the first frame comes,
 * a task is queued on the event loop that delivered it (the model server's connection's, or
 * the answer's own connection's when the frame came from elsewhere); if the frames end before
 * the loop gets to it (a model server's whole answer arrived in one read), the answer is one
 * {@code Mono} of all its bytes, which Reactor Netty writes with its headers as one response
 * with a {@code Content-Length}: one send instead of three (the headers, the frames and the
 * chunked terminator). Otherwise it is a {@code Flux} of the frames gathered so far and then
 * the rest as they come, written as chunks.
 *
 * <p>A failure before the first frame fails this {@code Mono}, so that the answer is an
 * ordinary error response. A failure after frames were gathered ends the stream after them,
 * as it would have without the gathering. The frames are requested in batches of
 * {@value #PREFETCH} and, once streaming, only as the connection takes them, so a slow
 * client still holds the answer back.
 */
final class GatheredFrames extends Mono<Publisher<byte[]>> {

	static final int PREFETCH = 128;

	private static final int LIMIT = PREFETCH - (PREFETCH >> 2);

	private final Flux<byte[]> frames;

	private final Executor loop;

	/**
	 * @param loop where the decision is queued when the first frame does not come from an
	 * event loop: the one that writes the answer
	 */
	GatheredFrames(Flux<byte[]> frames, Executor loop) {
		this.frames = frames;
		this.loop = loop;
	}

	@Override
	public void subscribe(CoreSubscriber<? super Publisher<byte[]>> actual) {
		Gathering gathering = new Gathering(actual, this.loop);
		actual.onSubscribe(gathering);
		this.frames.subscribe(gathering);
	}

	private static final class Gathering implements CoreSubscriber<byte[]>, Subscription {

		private static final int GATHERING = 0;

		private static final int STREAMING = 1;

		private static final int ENDED = 2;

		private static final AtomicReferenceFieldUpdater<Gathering, Subscription> UPSTREAM = AtomicReferenceFieldUpdater
			.newUpdater(Gathering.class, Subscription.class, "upstream");

		private static final AtomicIntegerFieldUpdater<Gathering> WIP = AtomicIntegerFieldUpdater
			.newUpdater(Gathering.class, "wip");

		private static final AtomicLongFieldUpdater<Gathering> REQUESTED = AtomicLongFieldUpdater
			.newUpdater(Gathering.class, "requested");

		private final CoreSubscriber<? super Publisher<byte[]>> answer;

		private final Executor loop;

		/** Written by the upstream's signals only, read by whoever drains. */
		private final Queue<byte[]> queue = Queues.<byte[]>unbounded(32).get();

		private volatile Subscription upstream;

		private volatile int wip;

		private volatile long requested;

		private volatile boolean done;

		private Throwable error;

		/** The loop ran the task queued at the first frame: the answer did not end in that read. */
		private volatile boolean due;

		private volatile boolean answerCancelled;

		private volatile boolean streamCancelled;

		private volatile CoreSubscriber<? super byte[]> stream;

		private boolean queued;

		/** Touched by the draining thread only. */
		private int mode = GATHERING;

		private int consumed;

		Gathering(CoreSubscriber<? super Publisher<byte[]>> answer, Executor loop) {
			this.answer = answer;
			this.loop = loop;
		}

		@Override
		public Context currentContext() {
			return this.answer.currentContext();
		}

		@Override
		public void onSubscribe(Subscription s) {
			if (Operators.setOnce(UPSTREAM, this, s)) {
				s.request(PREFETCH);
			}
		}

		@Override
		public void onNext(byte[] frame) {
			this.queue.offer(frame);
			if (!this.queued) {
				this.queued = true;
				// Netty's own map from a loop's thread to the loop: the rest of the read that
				// brought this frame is handled before a task queued there.
				Executor here = ThreadExecutorMap.currentExecutor();
				try {
					((here != null) ? here : this.loop).execute(this::becomeDue);
				}
				catch (RejectedExecutionException shuttingDown) {
					this.due = true;
				}
			}
			drain();
		}

		@Override
		public void onError(Throwable failure) {
			this.error = failure;
			this.done = true;
			drain();
		}

		@Override
		public void onComplete() {
			this.done = true;
			drain();
		}

		private void becomeDue() {
			this.due = true;
			drain();
		}

		/** The answer's {@code Mono} emits once, whatever is asked. */
		@Override
		public void request(long n) {
		}

		@Override
		public void cancel() {
			this.answerCancelled = true;
			drain();
		}

		private void drain() {
			if (WIP.getAndIncrement(this) != 0) {
				return;
			}
			int missed = 1;
			for (;;) {
				if (this.mode == GATHERING) {
					decide();
				}
				if (this.mode == STREAMING) {
					CoreSubscriber<? super byte[]> subscriber = this.stream;
					if (subscriber != null) {
						drainStream(subscriber);
					}
				}
				missed = WIP.addAndGet(this, -missed);
				if (missed == 0) {
					return;
				}
			}
		}

		private void decide() {
			if (this.answerCancelled) {
				this.mode = ENDED;
				Operators.terminate(UPSTREAM, this);
				this.queue.clear();
			}
			else if (this.done && this.error == null) {
				this.mode = ENDED;
				this.answer.onNext(Mono.just(joined()));
				this.answer.onComplete();
			}
			else if (this.done && this.queue.isEmpty()) {
				this.mode = ENDED;
				this.answer.onError(this.error);
			}
			else if (this.done || this.due) {
				this.mode = STREAMING;
				this.answer.onNext(new Stream());
				this.answer.onComplete();
			}
		}

		private byte[] joined() {
			if (this.queue.size() == 1) {
				return this.queue.poll();
			}
			List<byte[]> frames = new ArrayList<>(this.queue.size());
			int length = 0;
			for (byte[] frame = this.queue.poll(); frame != null; frame = this.queue.poll()) {
				frames.add(frame);
				length += frame.length;
			}
			byte[] whole = new byte[length];
			int at = 0;
			for (byte[] frame : frames) {
				System.arraycopy(frame, 0, whole, at, frame.length);
				at += frame.length;
			}
			return whole;
		}

		private void drainStream(CoreSubscriber<? super byte[]> subscriber) {
			long wanted = this.requested;
			long emitted = 0;
			for (;;) {
				if (this.streamCancelled) {
					this.mode = ENDED;
					Operators.terminate(UPSTREAM, this);
					this.queue.clear();
					return;
				}
				boolean ended = this.done;
				byte[] frame = (emitted != wanted) ? this.queue.poll() : null;
				if (ended && frame == null && this.queue.isEmpty()) {
					this.mode = ENDED;
					if (this.error != null) {
						subscriber.onError(this.error);
					}
					else {
						subscriber.onComplete();
					}
					return;
				}
				if (frame == null) {
					break;
				}
				subscriber.onNext(frame);
				emitted++;
				if (++this.consumed == LIMIT) {
					this.consumed = 0;
					this.upstream.request(LIMIT);
				}
			}
			if (emitted != 0) {
				Operators.produced(REQUESTED, this, emitted);
			}
		}

		/** The frames gathered so far and the rest, for one subscriber: the connection. */
		private final class Stream extends Flux<byte[]> implements Subscription {

			@Override
			public void subscribe(CoreSubscriber<? super byte[]> actual) {
				if (Gathering.this.stream != null) {
					Operators.error(actual, new IllegalStateException("An answer is written once"));
					return;
				}
				actual.onSubscribe(this);
				Gathering.this.stream = actual;
				drain();
			}

			@Override
			public void request(long n) {
				if (Operators.validate(n)) {
					Operators.addCap(REQUESTED, Gathering.this, n);
					drain();
				}
			}

			@Override
			public void cancel() {
				Gathering.this.streamCancelled = true;
				drain();
			}

		}

	}

}
