package dev.enclave.inference.internal.demo;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntToDoubleFunction;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes a safetensors file tensor by tensor, streaming values from a generator so that
 * large checkpoints (the benchmark's ~100M parameters) never sit on the heap.
 */
final class SafetensorsWriter {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final Map<String, long[]> shapes = new LinkedHashMap<>();

	private final Map<String, IntToDoubleFunction> values = new LinkedHashMap<>();

	private final String type;

	/** @param type {@code F32} or {@code BF16} */
	SafetensorsWriter(String type) {
		if (!type.equals("F32") && !type.equals("BF16")) {
			throw new IllegalArgumentException("F32 or BF16, not " + type);
		}
		this.type = type;
	}

	/** Adds a tensor whose element {@code i} (row-major) is {@code value.applyAsDouble(i)}. */
	SafetensorsWriter add(String name, long[] shape, IntToDoubleFunction value) {
		this.shapes.put(name, shape);
		this.values.put(name, value);
		return this;
	}

	void write(Path file) throws IOException {
		int size = this.type.equals("F32") ? 4 : 2;
		ObjectNode header = JSON.createObjectNode();
		header.putObject("__metadata__").put("format", "pt");
		long offset = 0;
		for (Map.Entry<String, long[]> entry : this.shapes.entrySet()) {
			ObjectNode tensor = header.putObject(entry.getKey());
			tensor.put("dtype", this.type);
			ArrayNode shape = tensor.putArray("shape");
			long elements = 1;
			for (long dim : entry.getValue()) {
				shape.add(dim);
				elements *= dim;
			}
			tensor.putArray("data_offsets").add(offset).add(offset + elements * size);
			offset += elements * size;
		}
		byte[] json = JSON.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
		// The header is padded to 8 bytes, as the reference writer does, so data stays aligned.
		int padded = (json.length + 7) / 8 * 8;
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
			ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
			buffer.putLong(padded).put(json);
			for (int i = json.length; i < padded; i++) {
				buffer.put((byte) ' ');
			}
			for (Map.Entry<String, long[]> entry : this.shapes.entrySet()) {
				long elements = 1;
				for (long dim : entry.getValue()) {
					elements *= dim;
				}
				IntToDoubleFunction value = this.values.get(entry.getKey());
				for (int i = 0; i < elements; i++) {
					if (buffer.remaining() < 4) {
						drain(channel, buffer);
					}
					float element = (float) value.applyAsDouble(i);
					if (size == 4) {
						buffer.putFloat(element);
					}
					else {
						buffer.putShort(bf16(element));
					}
				}
			}
			drain(channel, buffer);
		}
	}

	/** Round to nearest even, as PyTorch converts. */
	private static short bf16(float value) {
		int bits = Float.floatToIntBits(value);
		int rounding = 0x7FFF + ((bits >>> 16) & 1);
		return (short) ((bits + rounding) >>> 16);
	}

	private static void drain(FileChannel channel, ByteBuffer buffer) throws IOException {
		buffer.flip();
		while (buffer.hasRemaining()) {
			channel.write(buffer);
		}
		buffer.clear();
	}

}
