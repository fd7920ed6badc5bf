package dev.enclave.inference.internal.checkpoint;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.enclave.inference.testing.TestSafetensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class SafetensorsFileTests {

	@TempDir
	Path directory;

	@Test
	void readsHeadersAndMapsTensorBytes() {
		Map<String, TestSafetensors.Tensor> tensors = new LinkedHashMap<>();
		tensors.put("a", new TestSafetensors.Tensor(new long[] { 2, 3 }, new float[] { 1, 2, 3, 4, 5, 6 }));
		tensors.put("b", new TestSafetensors.Tensor(new long[] { 2 }, new float[] { -1.5f, 0.25f }));
		Path file = this.directory.resolve("x.safetensors");
		TestSafetensors.write(file, tensors, "BF16");
		try (SafetensorsFile safetensors = SafetensorsFile.open(file)) {
			TensorInfo b = safetensors.tensors().get("b");
			assertThat(b.type()).isEqualTo(TensorType.BF16);
			assertThat(b.shape()).containsExactly(2);
			ByteBuffer bytes = safetensors.map(b, 2, 2);
			assertThat(Float.intBitsToFloat((bytes.getShort(0) & 0xFFFF) << 16)).isEqualTo(0.25f);
		}
	}

	@Test
	void refusesHeadersThatPointOutsideTheFile() throws Exception {
		String header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}";
		ByteBuffer file = ByteBuffer.allocate(8 + header.length() + 8).order(ByteOrder.LITTLE_ENDIAN);
		file.putLong(header.length()).put(header.getBytes(StandardCharsets.UTF_8));
		Path path = this.directory.resolve("short.safetensors");
		Files.write(path, file.array());
		assertThatExceptionOfType(CheckpointException.class).isThrownBy(() -> SafetensorsFile.open(path))
			.withMessage("tensor w in short.safetensors points outside the file");
	}

	@Test
	void refusesSizesThatDisagreeWithTheShape() throws Exception {
		String header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,16]}}";
		ByteBuffer file = ByteBuffer.allocate(8 + header.length() + 16).order(ByteOrder.LITTLE_ENDIAN);
		file.putLong(header.length()).put(header.getBytes(StandardCharsets.UTF_8));
		Path path = this.directory.resolve("odd.safetensors");
		Files.write(path, file.array());
		assertThatExceptionOfType(CheckpointException.class).isThrownBy(() -> SafetensorsFile.open(path))
			.withMessageContaining("has 16 bytes but its shape needs 12");
	}

	@Test
	void refusesFilesThatAreNotSafetensors() throws Exception {
		Path path = this.directory.resolve("model.safetensors");
		Files.writeString(path, "this is not a safetensors file at all");
		assertThatExceptionOfType(CheckpointException.class).isThrownBy(() -> SafetensorsFile.open(path))
			.withMessageStartingWith("model.safetensors is not a safetensors file");
	}

}
