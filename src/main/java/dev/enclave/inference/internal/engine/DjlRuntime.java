package dev.enclave.inference.internal.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.pytorch.jni.LibUtils;
import ai.djl.util.Utils;

/**
 * The one door to DJL's PyTorch engine. It switches DJL to offline mode before the engine
 * initialises (nothing may be downloaded at run time: the native libraries come from the
 * jars on the class path or from {@code PYTORCH_LIBRARY_PATH}), resolves configured devices,
 * and checks that a device is really in use, because DJL falls back to the CPU silently.
 */
public final class DjlRuntime {

	static {
		// Before any DJL class reads them. The environment (DJL_OFFLINE) wins over these in DJL;
		// engine() refuses to run when it turned offline mode off.
		System.setProperty("ai.djl.offline", "true");
		System.setProperty("OPT_OUT_TRACKING", "true");
	}

	private DjlRuntime() {
	}

	/** The PyTorch engine, initialised offline. */
	public static synchronized Engine engine() {
		if (!Utils.isOfflineMode()) {
			throw new IllegalStateException("DJL offline mode is off (DJL_OFFLINE is set to false in the "
					+ "environment); Enclave never downloads native libraries or models at run time");
		}
		try {
			return Engine.getEngine("PyTorch");
		}
		catch (EngineException | UnsatisfiedLinkError ex) {
			throw new IllegalStateException("The PyTorch engine cannot start: " + ex.getMessage()
					+ ". Check PYTORCH_LIBRARY_PATH and PYTORCH_FLAVOR (see README, 'GPUs')", ex);
		}
	}

	/**
	 * The device a model configured with {@code spec} runs on.
	 * @throws DeviceUnavailableException when a GPU is asked for that PyTorch cannot see
	 */
	public static Device resolve(DeviceSpec spec) {
		Engine engine = engine();
		int gpus = engine.getGpuCount();
		return switch (spec.kind()) {
			case CPU -> Device.cpu();
			case AUTO -> (gpus > 0) ? Device.gpu(0) : Device.cpu();
			case GPU -> {
				if (spec.gpu() >= gpus) {
					throw new DeviceUnavailableException("Device " + spec + " is configured, but PyTorch "
							+ engine.getVersion() + " (" + flavour() + " build, from " + libraryPath() + ") sees "
							+ gpus + " CUDA device" + ((gpus == 1) ? "" : "s") + ". DJL would silently run on the "
							+ "CPU; Enclave refuses. Point PYTORCH_LIBRARY_PATH at a CUDA build of libtorch "
							+ engine.getVersion() + " and set PYTORCH_FLAVOR (see README, 'GPUs'), "
							+ "or configure device cpu.");
				}
				yield Device.gpu(spec.gpu());
			}
		};
	}

	/**
	 * The devices of a model's replicas: {@code auto} is every GPU PyTorch sees, or the CPU
	 * when it sees none; anything else as {@link #resolve}.
	 */
	public static List<Device> resolveAll(List<DeviceSpec> specs) {
		if (specs.size() == 1 && specs.get(0).kind() == DeviceSpec.Kind.AUTO) {
			int gpus = engine().getGpuCount();
			if (gpus == 0) {
				return List.of(Device.cpu());
			}
			List<Device> all = new ArrayList<>();
			for (int gpu = 0; gpu < gpus; gpu++) {
				all.add(Device.gpu(gpu));
			}
			return List.copyOf(all);
		}
		return specs.stream().map(DjlRuntime::resolve).toList();
	}

	/**
	 * Fails when {@code array} is not on {@code device}: the start-up proof that a model's
	 * weights really live where they were configured to.
	 */
	public static void assertOn(NDArray array, Device device, String model) {
		if (!array.getDevice().equals(device)) {
			throw new DeviceUnavailableException("Model " + model + " was placed on " + device
					+ " but its weights are on " + array.getDevice() + "; the PyTorch build in use is "
					+ flavour() + " (" + libraryPath() + ")");
		}
	}

	/** {@code CUDA} when the loaded PyTorch was built with CUDA, else {@code CPU-only}. */
	public static String flavour() {
		Set<String> features = JniUtils.getFeatures();
		return features.stream().anyMatch((feature) -> feature.toUpperCase(Locale.ROOT).contains("CUDA"))
				? "CUDA" : "CPU-only";
	}

	private static String libraryPath() {
		try {
			return LibUtils.getLibtorchPath();
		}
		catch (RuntimeException ex) {
			return "unknown location";
		}
	}

}
