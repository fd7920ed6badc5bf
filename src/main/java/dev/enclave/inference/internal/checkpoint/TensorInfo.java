package dev.enclave.inference.internal.checkpoint;

import java.util.Arrays;

/**
 * Where one tensor lives in a safetensors file.
 *
 * @param name the tensor's name, for example {@code model.layers.0.self_attn.q_proj.weight}
 * @param type element type
 * @param shape dimensions, outermost first
 * @param offset first byte, relative to the start of the file
 * @param length size in bytes
 */
public record TensorInfo(String name, TensorType type, long[] shape, long offset, long length) {

	public long elements() {
		return Arrays.stream(this.shape).reduce(1L, Math::multiplyExact);
	}

	@Override
	public String toString() {
		return this.name + " " + this.type + Arrays.toString(this.shape);
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof TensorInfo that && this.name.equals(that.name) && this.type == that.type
				&& Arrays.equals(this.shape, that.shape) && this.offset == that.offset && this.length == that.length;
	}

	@Override
	public int hashCode() {
		return this.name.hashCode() * 31 + Arrays.hashCode(this.shape);
	}

}
