package dev.enclave.inference.internal.engine;

import dev.enclave.inference.internal.checkpoint.CheckpointException;
import tools.jackson.databind.JsonNode;

/**
 * Rotary position embedding as a checkpoint defines it.
 *
 * @param theta the base of the frequencies
 * @param rotaryDim how many leading dimensions of each head rotate (the rest pass through)
 * @param interleaved whether rotated pairs are adjacent dimensions ({@code 2i, 2i+1}, GLM)
 * or the two halves of the rotated part ({@code i, i + rotaryDim/2}, LLaMA and Qwen2)
 * @param scaling how the frequencies are stretched for longer contexts
 */
public record RopeSpec(double theta, int rotaryDim, boolean interleaved, Scaling scaling) {

	/**
	 * {@code rope_scaling} of a checkpoint: {@code default}, {@code linear} or Llama 3's
	 * {@code llama3}.
	 */
	public record Scaling(String type, double factor, double lowFrequencyFactor, double highFrequencyFactor,
			int originalMaxPositions) {

		static final Scaling NONE = new Scaling("default", 1, 1, 1, 0);

		static Scaling of(JsonNode node) {
			if (node.isMissingNode() || node.isNull()) {
				return NONE;
			}
			String type = node.path("rope_type").asString(node.path("type").asString("default"));
			return switch (type) {
				case "default" -> NONE;
				case "linear" -> new Scaling(type, node.path("factor").asDouble(1), 1, 1, 0);
				case "llama3" -> new Scaling(type, node.path("factor").asDouble(8),
						node.path("low_freq_factor").asDouble(1), node.path("high_freq_factor").asDouble(4),
						node.path("original_max_position_embeddings").asInt(8192));
				default -> throw new CheckpointException("config.json asks for rope_scaling type '" + type
						+ "'; Enclave supports default, linear and llama3");
			};
		}

	}

	/**
	 * The inverse frequencies, one per rotated pair, computed in float32 as the reference
	 * implementations do ({@code 1 / theta^(2i / rotaryDim)}), then scaled.
	 */
	public float[] inverseFrequencies() {
		float[] frequencies = new float[this.rotaryDim / 2];
		for (int i = 0; i < frequencies.length; i++) {
			float exponent = (float) (2 * i) / (float) this.rotaryDim;
			frequencies[i] = 1.0f / (float) Math.pow(this.theta, exponent);
		}
		switch (this.scaling.type()) {
			case "linear" -> {
				for (int i = 0; i < frequencies.length; i++) {
					frequencies[i] = (float) (frequencies[i] / this.scaling.factor());
				}
			}
			case "llama3" -> llama3(frequencies);
			default -> {
			}
		}
		return frequencies;
	}

	// Llama 3.1's schedule: long wavelengths are divided by the factor, short ones kept,
	// and the band between them interpolated smoothly.
	private void llama3(float[] frequencies) {
		double old = this.scaling.originalMaxPositions();
		double lowWavelength = old / this.scaling.lowFrequencyFactor();
		double highWavelength = old / this.scaling.highFrequencyFactor();
		for (int i = 0; i < frequencies.length; i++) {
			double frequency = frequencies[i];
			double wavelength = 2 * Math.PI / frequency;
			if (wavelength > lowWavelength) {
				frequencies[i] = (float) (frequency / this.scaling.factor());
			}
			else if (wavelength >= highWavelength) {
				double smooth = (old / wavelength - this.scaling.lowFrequencyFactor())
						/ (this.scaling.highFrequencyFactor() - this.scaling.lowFrequencyFactor());
				frequencies[i] = (float) ((1 - smooth) * frequency / this.scaling.factor() + smooth * frequency);
			}
		}
	}

}
