package sc.fiji.diffusion.engine;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import ai.djl.util.cuda.CudaUtils;

import java.util.Locale;

/**
 * The number type the network computes in. Half precision (fp16 weights and activations) is for
 * GPUs, where it is faster and takes half the memory; the sampler's state, the noise levels and the
 * sinusoids of the noise-level embedding stay in float either way. BFLOAT16 is never offered: through DJL 0.36 it aborts
 * the JVM.
 */
public enum Precision {

	FLOAT(DataType.FLOAT32), HALF(DataType.FLOAT16);

	private final DataType type;

	Precision(final DataType type) {
		this.type = type;
	}

	public DataType dataType() {
		return type;
	}

	/** The user's word for it: "float" or "half". */
	@Override
	public String toString() {
		return name().toLowerCase(Locale.ROOT);
	}

	/**
	 * @param choice "auto" (half on a GPU that computes it fast, float elsewhere), "float" or "half",
	 *          case-insensitive
	 * @throws IllegalArgumentException for another word, or half on the CPU, where PyTorch computes
	 *           half far slower than float
	 */
	public static Precision choose(final String choice, final Device device) {
		return choose(choice, device, device.isGpu() ? computeCapability(device.getDeviceId()) : -1);
	}

	/**
	 * @param capability the GPU's CUDA compute capability as major * 10 + minor (86 for 8.6), or -1
	 *          when unknown: half is fast from 7.0 (Volta; GeForce from the RTX 20 series), slow on the
	 *          GeForce GTX 10 series (6.1) and older
	 */
	static Precision choose(final String choice, final Device device, final int capability) {
		final String c = choice == null ? "auto" : choice.trim().toLowerCase(Locale.ROOT);
		switch (c) {
			case "auto":
				return device.isGpu() && (capability < 0 || capability >= 70) ? HALF : FLOAT;
			case "float":
				return FLOAT;
			case "half":
				if (!device.isGpu()) {
					throw new IllegalArgumentException("Half precision is for a GPU: on the CPU PyTorch " +
						"computes half far slower than float. Use precision auto or float.");
				}
				return HALF;
			default:
				throw new IllegalArgumentException("Unknown precision '" + choice +
					"': use auto, float or half.");
		}
	}

	/** The CUDA compute capability of a GPU (86 for 8.6), or -1 when CUDA's runtime does not say. */
	static int computeCapability(final int gpu) {
		try {
			return Integer.parseInt(CudaUtils.getComputeCapability(gpu));
		}
		catch (final RuntimeException | LinkageError e) {
			return -1;
		}
	}
}
