package sc.fiji.diffusion.engine;

import java.nio.file.Paths;
import java.util.Locale;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import sc.fiji.diffusion.model.ModelFolder;

/**
 * A measurement on the CPU (issue 12, point 5), not a test: the seconds of each call of a model's
 * denoiser, in the order given, on random windows of its patch with one level, so that the first
 * call of each batch size (where oneDNN makes its kernels) shows beside the later ones. Usage:
 * {@code CallShapesProbe MODEL_DIR WINDOWS[xSIDE],... [auto|float|bfloat16]} (SIDE defaults to the
 * patch), e.g. the six calls of a 512^2 denoise: {@code models/ddpm-fluo 22,22,22,22,22,11}.
 */
public final class CallShapesProbe {

	private CallShapesProbe() {}

	public static void main(final String[] args) throws Exception {
		if (args.length < 2) {
			System.err.println("Usage: CallShapesProbe MODEL_DIR WINDOWS[xSIDE],... [auto|float|bfloat16]");
			System.exit(2);
		}
		final Precision precision = Precision.choose(args.length > 2 ? args[2] : "auto", Device.cpu());
		final long t0 = System.nanoTime();
		try (NetworkDenoiser model = ModelFolder.load(Paths.get(args[0]), Device.cpu(), precision);
			NDManager manager = NDManager.newBaseManager(Device.cpu()))
		{
			System.out.printf(Locale.ROOT, "PROBE engine and model loaded in %.3f s, %s%n", (System.nanoTime() -
				t0) / 1e9, model.precision());
			final int p = model.patch();
			for (final String n : args[1].split(",")) {
				final String[] parts = n.trim().split("x");
				final int windows = Integer.parseInt(parts[0]);
				final int side = parts.length > 1 ? Integer.parseInt(parts[1]) : p;
				try (NDManager scope = manager.newSubManager()) {
					final NDArray x = scope.randomNormal(new Shape(windows, 1, side, side));
					final NDArray level = scope.full(new Shape(1), 0.2f);
					final long t = System.nanoTime();
					model.denoise(x, level).toFloatArray();
					System.out.printf(Locale.ROOT, "PROBE %d windows of %d^2 %.3f s%n", windows, side, (System
						.nanoTime() - t) / 1e9);
				}
			}
		}
	}
}
