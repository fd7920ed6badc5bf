package dev.enclave.inference.internal.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A memory-mapped safetensors file. Only the header is read eagerly; tensor bytes are mapped
 * on demand in windows of at most {@link #MAX_WINDOW} bytes, so shards of any size load
 * without copying them onto the heap (DJL's own decoder reads a whole file into a byte array
 * and fails beyond 2 GiB).
 *
 * <p>Format: an 8-byte little-endian header length, a JSON header mapping tensor names to
 * {@code {dtype, shape, data_offsets}}, then the tensor bytes; offsets are relative to the
 * end of the header.
 */
public final class SafetensorsFile implements AutoCloseable {

	/** The largest window mapped at once; a {@link ByteBuffer} cannot address more. */
	public static final long MAX_WINDOW = Integer.MAX_VALUE - 7;

	// The format's own limit; a larger "header" is a corrupt or hostile file.
	private static final long MAX_HEADER = 100L * 1024 * 1024;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final Path path;

	private final FileChannel channel;

	private final Map<String, TensorInfo> tensors;

	private SafetensorsFile(Path path, FileChannel channel, Map<String, TensorInfo> tensors) {
		this.path = path;
		this.channel = channel;
		this.tensors = Collections.unmodifiableMap(tensors);
	}

	/** Opens {@code path} and reads its header; fails naming the file when it is malformed. */
	public static SafetensorsFile open(Path path) {
		FileChannel channel = null;
		try {
			channel = FileChannel.open(path, StandardOpenOption.READ);
			long size = channel.size();
			ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
			readFully(channel, prefix, 0);
			long headerLength = prefix.getLong(0);
			if (headerLength <= 0 || headerLength > MAX_HEADER || 8 + headerLength > size) {
				throw new CheckpointException(name(path) + " is not a safetensors file (header length " + headerLength
						+ ", file size " + size + ")");
			}
			ByteBuffer header = ByteBuffer.allocate((int) headerLength);
			readFully(channel, header, 8);
			long dataStart = 8 + headerLength;
			Map<String, TensorInfo> tensors = parseHeader(path, header.array(), dataStart, size - dataStart);
			return new SafetensorsFile(path, channel, tensors);
		}
		catch (IOException ex) {
			closeQuietly(channel);
			throw new CheckpointException("Cannot read " + path + ": " + ex.getMessage(), ex);
		}
		catch (RuntimeException ex) {
			closeQuietly(channel);
			throw ex;
		}
	}

	public Path path() {
		return this.path;
	}

	/** Every tensor in the file, in header order. */
	public Map<String, TensorInfo> tensors() {
		return this.tensors;
	}

	/**
	 * Maps {@code length} bytes of {@code tensor} starting {@code from} bytes into it, as a
	 * read-only little-endian buffer. The mapping stays valid while the buffer is reachable.
	 */
	public ByteBuffer map(TensorInfo tensor, long from, long length) {
		if (from < 0 || length < 0 || from + length > tensor.length() || length > MAX_WINDOW) {
			throw new IllegalArgumentException("Window " + from + "+" + length + " is outside " + tensor);
		}
		try {
			return this.channel.map(FileChannel.MapMode.READ_ONLY, tensor.offset() + from, length)
				.order(ByteOrder.LITTLE_ENDIAN);
		}
		catch (IOException ex) {
			throw new CheckpointException("Cannot map " + tensor.name() + " from " + name(this.path) + ": "
					+ ex.getMessage(), ex);
		}
	}

	@Override
	public void close() {
		closeQuietly(this.channel);
	}

	private static Map<String, TensorInfo> parseHeader(Path path, byte[] header, long dataStart, long dataLength) {
		JsonNode root;
		try {
			root = JSON.readTree(header);
		}
		catch (JacksonException ex) {
			throw new CheckpointException(name(path) + " has a malformed safetensors header", ex);
		}
		if (!root.isObject()) {
			throw new CheckpointException(name(path) + " has a malformed safetensors header");
		}
		Map<String, TensorInfo> tensors = new LinkedHashMap<>();
		Iterator<Map.Entry<String, JsonNode>> fields = root.properties().iterator();
		while (fields.hasNext()) {
			Map.Entry<String, JsonNode> field = fields.next();
			if (field.getKey().equals("__metadata__")) {
				continue;
			}
			tensors.put(field.getKey(), tensor(path, field.getKey(), field.getValue(), dataStart, dataLength));
		}
		return tensors;
	}

	private static TensorInfo tensor(Path path, String name, JsonNode node, long dataStart, long dataLength) {
		String where = "tensor " + name + " in " + name(path);
		TensorType type = TensorType.of(node.path("dtype").asString(""));
		JsonNode shapeNode = node.path("shape");
		JsonNode offsets = node.path("data_offsets");
		if (type == null || !shapeNode.isArray() || !offsets.isArray() || offsets.size() != 2) {
			throw new CheckpointException(where + " has a malformed header entry");
		}
		long[] shape = new long[shapeNode.size()];
		for (int i = 0; i < shape.length; i++) {
			shape[i] = shapeNode.get(i).asLong(-1);
			if (shape[i] < 0) {
				throw new CheckpointException(where + " has a negative dimension");
			}
		}
		long begin = offsets.get(0).asLong(-1);
		long end = offsets.get(1).asLong(-1);
		if (begin < 0 || end < begin || end > dataLength) {
			throw new CheckpointException(where + " points outside the file");
		}
		TensorInfo info = new TensorInfo(name, type, shape, dataStart + begin, end - begin);
		if (Math.multiplyExact(info.elements(), (long) type.bytes()) != info.length()) {
			throw new CheckpointException(where + " has " + info.length() + " bytes but its shape needs "
					+ info.elements() * type.bytes());
		}
		return info;
	}

	private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
		long at = position;
		while (buffer.hasRemaining()) {
			int read = channel.read(buffer, at);
			if (read < 0) {
				throw new IOException("unexpected end of file");
			}
			at += read;
		}
	}

	private static String name(Path path) {
		return String.valueOf(path.getFileName());
	}

	private static void closeQuietly(FileChannel channel) {
		if (channel != null) {
			try {
				channel.close();
			}
			catch (IOException ex) {
				// Nothing was written; a failed close of a read-only channel loses nothing.
			}
		}
	}

}
