package dev.enclave.inference.internal;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.enclave.inference.internal.engine.DeviceSpec;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The local models and how many generations run at once.
 *
 * @param models the checkpoints to serve; none means the generated {@code demo} model
 * @param maxConcurrentGenerations generations computing at the same time (threads of the
 * {@code inference} scheduler)
 * @param maxQueuedGenerations generations waiting for a thread; more are refused with 503
 */
@ConfigurationProperties("enclave.inference")
@Validated
record InferenceSettings(@DefaultValue({}) @Valid List<Model> models,
		@DefaultValue("2") @Positive @Max(256) int maxConcurrentGenerations,
		@DefaultValue("64") @PositiveOrZero int maxQueuedGenerations) {

	InferenceSettings {
		Set<String> names = new HashSet<>();
		for (Model model : models) {
			if (!names.add(model.name())) {
				throw new IllegalArgumentException("enclave.inference.models has two models named " + model.name());
			}
		}
	}

	/**
	 * One checkpoint.
	 *
	 * @param name the id clients ask for
	 * @param path the Hugging Face checkpoint directory
	 * @param device {@code auto}, {@code cpu} or {@code gpu:N}
	 * @param dtype compute type: {@code auto} (float32 on CPU, float16 on GPU),
	 * {@code float32} or {@code float16}
	 * @param maxContext longest prompt plus answer; 0 for the checkpoint's own limit
	 * @param sha256sumsDigest the SHA-256 the checkpoint's {@code SHA256SUMS} must have
	 */
	record Model(@NotBlank @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}") String name, @NotNull Path path,
			@DefaultValue("auto") @NotBlank String device, @DefaultValue("auto") @NotBlank String dtype,
			@DefaultValue("0") @PositiveOrZero int maxContext,
			@Nullable @Pattern(regexp = "[0-9a-fA-F]{64}") String sha256sumsDigest) {

		Model {
			DeviceSpec.parse(device);
			if (dtype.equals("bfloat16")) {
				throw new IllegalArgumentException("enclave.inference.models[" + name + "].dtype bfloat16 is not "
						+ "available: DJL 0.35.1's PyTorch binding cannot create bfloat16 tensors. Use float16 or "
						+ "float32; bfloat16 weights are widened exactly.");
			}
			if (!Set.of("auto", "float32", "float16").contains(dtype)) {
				throw new IllegalArgumentException("enclave.inference.models[" + name + "].dtype must be auto, "
						+ "float32 or float16, not " + dtype);
			}
		}

	}

}
