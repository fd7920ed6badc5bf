package dev.enclave.inference.internal.scheduler;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.enclave.shared.FinishReason;
import org.jspecify.annotations.Nullable;

/** What one generation reported, in order. */
class Recorder implements TaskListener {

	final List<String> pieces = new CopyOnWriteArrayList<>();

	volatile @Nullable FinishReason finish;

	volatile int promptTokens = -1;

	volatile int completionTokens = -1;

	volatile @Nullable Throwable error;

	volatile int ends;

	@Override
	public void onText(String text, int generatedTokens) {
		if (this.ends > 0) {
			throw new AssertionError("text after the end");
		}
		this.pieces.add(text);
	}

	@Override
	public void onFinish(FinishReason reason, int promptTokens, int completionTokens) {
		this.finish = reason;
		this.promptTokens = promptTokens;
		this.completionTokens = completionTokens;
		this.ends++;
	}

	@Override
	public void onError(Throwable failure) {
		this.error = failure;
		this.ends++;
	}

	String text() {
		return String.join("", this.pieces);
	}

	boolean done() {
		return this.ends > 0;
	}

}
