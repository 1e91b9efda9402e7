package sc.fiji.diffusion.engine;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Locale;

/**
 * The number type the network computes in. Half precision (fp16 weights and activations) is for
 * GPUs, where it is faster and takes half the memory; bfloat16 for CPUs that compute it natively
 * (AVX-512 BF16 or AMX), where libtorch's convolutions run it about twice as fast as float
 * (docs/models.md). The sampler's state, the noise levels and the sinusoids of the noise-level
 * embedding stay in float either way. Through DJL 0.36 a bfloat16 array aborts the JVM, so none is
 * made: the TorchScript module holds bfloat16 weights and casts its float input and output itself
 * (the DJL blocks stay in float).
 */
public enum Precision {

	FLOAT(DataType.FLOAT32), HALF(DataType.FLOAT16), BFLOAT16(DataType.BFLOAT16);

	private final DataType type;

	Precision(final DataType type) {
		this.type = type;
	}

	public DataType dataType() {
		return type;
	}

	/** The user's word for it: "float", "half" or "bfloat16". */
	@Override
	public String toString() {
		return name().toLowerCase(Locale.ROOT);
	}

	/**
	 * @param choice "auto" (half on a GPU; on the CPU bfloat16 where it computes it natively, else
	 *          float), "float", "half" or "bfloat16", case-insensitive
	 * @throws IllegalArgumentException for another word, or half on the CPU, where PyTorch computes
	 *           half far slower than float
	 */
	public static Precision choose(final String choice, final Device device) {
		switch (check(choice)) {
			case "auto":
				return device.isGpu() ? HALF : NATIVE_BFLOAT16 ? BFLOAT16 : FLOAT;
			case "float":
				return FLOAT;
			case "bfloat16":
				return BFLOAT16;
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
	 * @return auto, float, half or bfloat16
	 * @throws IllegalArgumentException for another word
	 */
	public static String check(final String choice) {
		final String c = choice == null ? "auto" : choice.trim().toLowerCase(Locale.ROOT);
		if (c.equals("auto") || c.equals("float") || c.equals("half") || c.equals("bfloat16")) return c;
		throw new IllegalArgumentException("Unknown precision '" + choice + "': use auto, float, half or " +
			"bfloat16.");
	}

	/**
	 * Whether this machine's processor computes bfloat16 natively, as its flags say: {@code avx512_bf16}
	 * or {@code amx_bf16} in Linux's /proc/cpuinfo; false where the file is missing (other systems:
	 * float there, bfloat16 on request). {@code -Ddiffusion.cpu.bfloat16=true|false} decides instead.
	 */
	static final boolean NATIVE_BFLOAT16 = nativeBfloat16(System.getProperty("diffusion.cpu.bfloat16"),
		Paths.get("/proc/cpuinfo"));

	static boolean nativeBfloat16(final String override, final Path cpuinfo) {
		if (override != null) return Boolean.parseBoolean(override);
		try (java.util.stream.Stream<String> lines = Files.lines(cpuinfo)) {
			return lines.filter(l -> l.startsWith("flags")).findFirst().map(l -> Arrays.asList(l.substring(l
				.indexOf(':') + 1).trim().split("\\s+"))).map(f -> f.contains("avx512_bf16") || f.contains(
					"amx_bf16")).orElse(false);
		}
		catch (final IOException | java.io.UncheckedIOException e) {
			return false;
		}
	}
}
