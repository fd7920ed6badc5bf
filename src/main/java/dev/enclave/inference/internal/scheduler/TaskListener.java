package dev.enclave.inference.internal.scheduler;

import dev.enclave.shared.FinishReason;

/**
 * Where a scheduled generation reports what it produced. Called on the scheduler's own
 * thread, so implementations hand the work on instead of doing it there.
 */
public interface TaskListener {

	/** A piece of answer text, never empty, with the answer tokens generated so far. */
	void onText(String text, int generatedTokens);

	/** The answer ended on its own ({@code stop} or {@code length}); called once, last. */
	void onFinish(FinishReason reason, int promptTokens, int completionTokens);

	/** The generation failed or was refused; called once, last. */
	void onError(Throwable failure);

}
