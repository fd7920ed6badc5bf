package dev.enclave.inference.internal.engine;

/**
 * The configured device cannot be used. DJL silently falls back to the CPU when no CUDA
 * flavour of PyTorch matches; Enclave refuses to start instead, with this message.
 */
public class DeviceUnavailableException extends RuntimeException {

	public DeviceUnavailableException(String message) {
		super(message);
	}

}
