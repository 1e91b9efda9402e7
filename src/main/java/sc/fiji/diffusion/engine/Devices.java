package sc.fiji.diffusion.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;

import java.util.Locale;

/** Chooses the compute device from the user's words: auto, cpu or gpu. */
public final class Devices {

	private Devices() {}

	/**
	 * @param choice "auto" (a GPU when the engine sees one), "cpu", "gpu" (the first) or "gpu:N" (the
	 *          N-th from 0, on a machine with several), case-insensitive
	 * @param notes hears why the CPU was chosen over a GPU when auto passes one over
	 * @throws IllegalArgumentException for another word, or a GPU the machine does not have
	 */
	public static Device choose(final String choice, final java.util.function.Consumer<String> notes) {
		final String c = check(choice);
		final int gpus = Engine.getEngine("PyTorch").getGpuCount();
		if (c.startsWith("gpu:")) {
			final int id = Integer.parseInt(c.substring(4));
			if (id >= gpus) {
				throw new IllegalArgumentException("There is no GPU " + id + ": PyTorch sees " + gpus + " GPU(s), " +
					"numbered from 0.");
			}
			return supported(Device.gpu(id), computeCapability(id), true);
		}
		if (c.equals("auto")) return gpus == 0 ? Device.cpu() : auto(computeCapability(0), notes);
		if (c.equals("cpu")) return Device.cpu();
		if (gpus == 0) {
			throw new IllegalArgumentException("No GPU is visible to PyTorch on this machine: " +
				"use device=cpu, or install an NVIDIA driver and a CUDA build of PyTorch " +
				"(see README, 'GPU').");
		}
		return supported(Device.gpu(), computeCapability(0), true);
	}

	/**
	 * The user's word for a device, checked without starting the engine (so a typing error is found
	 * before anything loads).
	 *
	 * @return the word in lower case: auto, cpu, gpu or gpu:N
	 * @throws IllegalArgumentException for another word
	 */
	public static String check(final String choice) {
		final String c = choice == null ? "auto" : choice.trim().toLowerCase(Locale.ROOT);
		if (c.equals("auto") || c.equals("cpu") || c.equals("gpu") || c.matches("gpu:\\d{1,4}")) return c;
		throw new IllegalArgumentException("Unknown device '" + choice + "': use auto, cpu, gpu or gpu:N.");
	}

	/** Oldest CUDA compute capability (major * 10 + minor) of PyTorch's CUDA 12.8 builds: 7.5. */
	static final int OLDEST_CAPABILITY = 75;

	/**
	 * A GPU PyTorch's CUDA 12.8 build has kernels for (compute capability 7.5 and newer: GeForce RTX 20
	 * series, T4 and later); an older one is the CPU when the choice was auto, and a message when the
	 * user asked for the GPU. A capability CUDA's runtime does not tell (-1) is let through.
	 */
	static Device supported(final Device gpu, final int capability, final boolean asked) {
		if (capability < 0 || capability >= OLDEST_CAPABILITY) return gpu;
		if (!asked) return Device.cpu();
		throw new IllegalArgumentException(String.format(Locale.ROOT, "This GPU has CUDA compute " +
			"capability %d.%d; PyTorch's CUDA 12.8 build, which DJL uses, runs on 7.5 and newer (GeForce " +
			"RTX 20 series, T4 and later). Use device=cpu.", capability / 10, capability % 10));
	}

	/** Auto on a machine with a GPU of this capability: the GPU, or the CPU and a note why. */
	static Device auto(final int capability, final java.util.function.Consumer<String> notes) {
		final Device d = supported(Device.gpu(), capability, false);
		if (!d.isGpu()) {
			notes.accept(String.format(Locale.ROOT, "The GPU has CUDA compute capability %d.%d, older " +
				"than PyTorch's CUDA 12.8 build runs on (7.5): working on the CPU.", capability / 10,
				capability % 10));
		}
		return d;
	}

	/** The CUDA compute capability of a GPU (86 for 8.6), or -1 when CUDA's runtime does not say. */
	static int computeCapability(final int gpu) {
		try {
			return Integer.parseInt(ai.djl.util.cuda.CudaUtils.getComputeCapability(gpu));
		}
		catch (final RuntimeException | LinkageError e) {
			return -1;
		}
	}

	/**
	 * Free memory of a GPU in bytes as CUDA reports it (memory PyTorch caches for reuse counts as
	 * used), or 0 where it cannot be told (the CPU, a GPU without the CUDA runtime library).
	 */
	public static long freeBytes(final Device device) {
		if (!device.isGpu()) return 0;
		try {
			final java.lang.management.MemoryUsage u = ai.djl.util.cuda.CudaUtils.getGpuMemory(device);
			return Math.max(0, u.getMax() - u.getUsed());
		}
		catch (final RuntimeException | LinkageError e) {
			return 0;
		}
	}

	/**
	 * Memory of a GPU in use in bytes as CUDA reports it (all processes; what PyTorch caches for reuse
	 * counts as used), or 0 where it cannot be told.
	 */
	public static long usedBytes(final Device device) {
		if (!device.isGpu()) return 0;
		try {
			return Math.max(0, ai.djl.util.cuda.CudaUtils.getGpuMemory(device).getUsed());
		}
		catch (final RuntimeException | LinkageError e) {
			return 0;
		}
	}

	/**
	 * Bytes a restoration may fill with its arrays: half of a GPU's free memory (at least 256 MiB,
	 * also where it cannot be read), a fixed 2 GiB on the CPU, where native memory is not reported.
	 */
	public static long workBudget(final Device device) {
		return device.isGpu() ? Math.max(freeBytes(device) / 2, 1L << 28) : 2L << 30;
	}

	/** Whether an error (or one of its causes) is the engine's out-of-memory. */
	public static boolean outOfMemory(final Throwable e) {
		for (Throwable t = e; t != null; t = t.getCause()) {
			final String m = t.getMessage();
			if (m != null && m.toLowerCase(Locale.ROOT).contains("out of memory")) return true;
		}
		return false;
	}
}
