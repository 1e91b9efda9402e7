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
	 * @throws IllegalArgumentException for another word, or a GPU the machine does not have
	 */
	public static Device choose(final String choice) {
		final String c = choice == null ? "auto" : choice.trim().toLowerCase(Locale.ROOT);
		final int gpus = Engine.getEngine("PyTorch").getGpuCount();
		if (c.matches("gpu:\\d+")) {
			final int id = Integer.parseInt(c.substring(4));
			if (id >= gpus) {
				throw new IllegalArgumentException("There is no GPU " + id + ": PyTorch sees " + gpus + " GPU(s), " +
					"numbered from 0.");
			}
			return Device.gpu(id);
		}
		switch (c) {
			case "auto":
				return gpus > 0 ? Device.gpu() : Device.cpu();
			case "cpu":
				return Device.cpu();
			case "gpu":
				if (gpus == 0) {
					throw new IllegalArgumentException("No GPU is visible to PyTorch on this machine: " +
						"use device cpu, or install an NVIDIA driver and a CUDA build of PyTorch " +
						"(see README, 'GPU').");
				}
				return Device.gpu();
			default:
				throw new IllegalArgumentException("Unknown device '" + choice +
					"': use auto, cpu, gpu or gpu:N.");
		}
	}
}
