package dev.enclave.inference.internal.checkpoint;

import java.util.Arrays;

import org.jspecify.annotations.Nullable;

/** The element types a safetensors header may name, with their sizes. */
public enum TensorType {

	F32(4, true), F16(2, true), BF16(2, true), F64(8, false), I64(8, false), I32(4, false), I16(2, false),
	I8(1, false), U8(1, false), BOOL(1, false);

	private final int bytes;

	private final boolean loadable;

	TensorType(int bytes, boolean loadable) {
		this.bytes = bytes;
		this.loadable = loadable;
	}

	/** Bytes per element. */
	public int bytes() {
		return this.bytes;
	}

	/** Whether the engine can load weights of this type (F32, F16 and BF16). */
	public boolean loadable() {
		return this.loadable;
	}

	static @Nullable TensorType of(String name) {
		return Arrays.stream(values()).filter((type) -> type.name().equals(name)).findFirst().orElse(null);
	}

}
