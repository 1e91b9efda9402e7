package sc.fiji.diffusion.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;

import java.util.Locale;

/** Chooses the compute device from the user's words: auto, cpu or gpu. */
public final class Devices {

	private Devices() {}

	/**
	 * @param choice "auto" (a GPU when the engine sees one), "cpu" or "gpu" (case-insensitive)
	 * @throws IllegalArgumentException for another word, or "gpu" on a machine without one
	 */
	public static Device choose(final String choice) {
		final String c = choice == null ? "auto" : choice.trim().toLowerCase(Locale.ROOT);
		final int gpus = Engine.getEngine("PyTorch").getGpuCount();
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
					"': use auto, cpu or gpu.");
		}
	}
}
