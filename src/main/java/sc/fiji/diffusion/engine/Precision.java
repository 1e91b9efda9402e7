package sc.fiji.diffusion.engine;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;

import java.util.Locale;

/**
 * The number type the network computes in. Half precision (fp16 weights and activations) is for
 * GPUs, where it is faster and takes half the memory; the sampler's state, the noise levels and the
 * sinusoids of the noise-level embedding stay in float either way. BFLOAT16 is never offered:
 * through DJL 0.36 it aborts the JVM.
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
	 * @param choice "auto" (half on a GPU, float on the CPU), "float" or "half", case-insensitive
	 * @throws IllegalArgumentException for another word, or half on the CPU, where PyTorch computes
	 *           half far slower than float
	 */
	public static Precision choose(final String choice, final Device device) {
		switch (check(choice)) {
			case "auto":
				return device.isGpu() ? HALF : FLOAT;
			case "float":
				return FLOAT;
			default:
				if (!device.isGpu()) {
					throw new IllegalArgumentException("Half precision is for a GPU: on the CPU PyTorch " +
						"computes half far slower than float. Use precision=auto or precision=float.");
				}
				return HALF;
		}
	}

	/**
	 * The user's word, checked before a device is chosen.
	 *
	 * @return auto, float or half
	 * @throws IllegalArgumentException for another word
	 */
	public static String check(final String choice) {
		final String c = choice == null ? "auto" : choice.trim().toLowerCase(Locale.ROOT);
		if (c.equals("auto") || c.equals("float") || c.equals("half")) return c;
		throw new IllegalArgumentException("Unknown precision '" + choice + "': use auto, float or half.");
	}
}
