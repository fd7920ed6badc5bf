package dev.enclave.inference.internal.generation;

/**
 * A language model that answers a script: after the prompt, the most likely token is
 * always the next one of the script. It stands in for the network in tests of the loop
 * around it (detokenising, stopping, cancelling); the network has its own tests.
 */
final class ScriptedModel implements LanguageModel {

	private final int[] script;

	private final int vocab;

	private final int context;

	int forwardCalls;

	ScriptedModel(int[] script, int vocab, int context) {
		this.script = script;
		this.vocab = vocab;
		this.context = context;
	}

	@Override
	public int vocabSize() {
		return this.vocab;
	}

	@Override
	public int maxContext() {
		return this.context;
	}

	@Override
	public Sequence newSequence(int capacity) {
		return new Sequence() {

			private int length;

			private int step;

			@Override
			public float[] forward(int[] tokens) {
				ScriptedModel.this.forwardCalls++;
				this.length += tokens.length;
				if (this.length > capacity) {
					throw new IllegalStateException("over capacity");
				}
				float[] logits = new float[ScriptedModel.this.vocab];
				logits[ScriptedModel.this.script[Math.min(this.step++, ScriptedModel.this.script.length - 1)]] = 10;
				return logits;
			}

			@Override
			public int length() {
				return this.length;
			}

			@Override
			public void close() {
			}

		};
	}

}
