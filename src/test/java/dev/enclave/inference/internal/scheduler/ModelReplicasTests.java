package dev.enclave.inference.internal.scheduler;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import ai.djl.ndarray.types.DataType;
import dev.enclave.inference.internal.checkpoint.Checkpoint;
import dev.enclave.inference.internal.engine.DecoderModel;
import dev.enclave.inference.internal.engine.DjlRuntime;
import dev.enclave.inference.internal.engine.DeviceSpec;
import dev.enclave.inference.internal.generation.Decoding;
import dev.enclave.inference.internal.generation.GenerationRequest;
import dev.enclave.inference.internal.generation.SamplingParams;
import dev.enclave.inference.testing.TinyCheckpoints;
import dev.enclave.shared.Priority;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Two replicas of one model: requests go to the one with the least work in hand, and all finish. */
class ModelReplicasTests {

	@TempDir
	Path directory;

	@Test
	void requestsGoToTheReplicaWithTheLeastWorkInHand() {
		Path checkpoint = TinyCheckpoints.write(this.directory, TinyCheckpoints.Kind.LLAMA, 5);
		List<DecoderModel> models = new ArrayList<>();
		try (Checkpoint opened = Checkpoint.open(checkpoint, null)) {
			for (int i = 0; i < 2; i++) {
				models.add(DecoderModel.load("tiny", opened, DjlRuntime.resolve(DeviceSpec.parse("cpu")), DataType.FLOAT32,
						0));
			}
		}
		SchedulerLimits limits = new SchedulerLimits(4, 64, 10_000, 100, Duration.ofSeconds(30), Duration.ofSeconds(30),
				Duration.ofSeconds(1));
		ModelReplicas replicas = ModelReplicas.start("tiny", models, List.of(limits, limits), 0, Duration.ofMinutes(1),
				new SimpleMeterRegistry());
		try {
			List<Recorder> recorders = new ArrayList<>();
			for (int i = 0; i < 6; i++) {
				Recorder recorder = new Recorder();
				recorders.add(recorder);
				// Long enough that all six are in hand when the next arrives.
				int[] prompt = { 1 + i, 2 + i, 3 + i };
				GenerationRequest request = new GenerationRequest(prompt, 100, SamplingParams.GREEDY, Set.of(), List.of());
				replicas.submit(new GenerationTask(new Decoding(request, (ids) -> "x".repeat(ids.length), 128), prompt,
						null, Priority.INTERACTIVE, recorder));
			}
			List<Integer> work = replicas.schedulers().stream().map(BatchScheduler::outstanding).toList();
			assertThat(work).containsExactly(3, 3);
			await().atMost(Duration.ofSeconds(60)).until(() -> recorders.stream().allMatch(Recorder::done));
			assertThat(recorders).allSatisfy((recorder) -> assertThat(recorder.completionTokens).isEqualTo(100));
		}
		finally {
			replicas.close();
			models.forEach(DecoderModel::close);
		}
	}

}
