package sc.fiji.diffusion.benchmark;

import java.nio.file.Paths;

import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;

import sc.fiji.diffusion.engine.NetworkDenoiser;
import sc.fiji.diffusion.model.ModelFolder;
import sc.fiji.diffusion.restore.Fill;
import sc.fiji.diffusion.restore.Inpaint;
import sc.fiji.diffusion.restore.NoiseModel;
import sc.fiji.diffusion.restore.RestoreOptions;
import sc.fiji.diffusion.restore.Result;

/**
 * A measurement, not a test (docs/defaults.md, "The benchmark's image 7"): one quality-benchmark
 * inpainting image restored as {@code quality} restores it, on the CPU, scored hole by hole (each
 * 4-connected component of the mask) beside the harmonic and biharmonic fills. Usage:
 * {@code HoleByHoleProbe MODEL_DIR IMAGE [SAMPLES]}.
 */
public final class HoleByHoleProbe {

	private HoleByHoleProbe() {}

	public static void main(final String[] args) throws Exception {
		final int image = Integer.parseInt(args[1]), samples = args.length > 2 ? Integer.parseInt(args[2]) : 0;
		final HardHoles.Case c = HardHolesProbeTest.bench(image + 1).get(image);
		final int n = c.size();
		final float[] truth = c.truth();
		final boolean[] hole = c.hole();
		final float[] input = truth.clone();
		for (int k = 0; k < input.length; k++) if (hole[k]) input[k] = Float.NaN;
		final float[] harmonic = Fill.solveHarmonic(input, hole, n, n), biharmonic = Fill.solveBiharmonic(input,
			hole, n, n);
		try (NetworkDenoiser model = ModelFolder.load(Paths.get(args[0]), ai.djl.Device.cpu())) {
			final Result r = Inpaint.run(ArrayImgs.floats(input.clone(), n, n), null, -1, new NoiseModel.Gaussian(0),
				RestoreOptions.defaults(model, "ddpm", 0).withSeed(image).withSamples(samples, false));
			final float[] ours = new float[n * n];
			int i = 0;
			for (final FloatType t : Views.flatIterable(r.image())) ours[i++] = t.get();
			int l = 0;
			for (final int[] pixels : Fill.holes(hole, n, n)) {
				final boolean[] m = new boolean[n * n];
				int x0 = n, y0 = n;
				for (final int p : pixels) {
					m[p] = true;
					x0 = Math.min(x0, p % n);
					y0 = Math.min(y0, p / n);
				}
				System.out.printf(java.util.Locale.ROOT, "PROBE hole %d at %d,%d, %d px: ours %.2f, harmonic %.2f, " +
					"biharmonic %.2f%n", ++l, x0, y0, pixels.length, Metrics.psnr(ours, truth, 1, m), Metrics.psnr(harmonic,
						truth, 1, m), Metrics.psnr(biharmonic, truth, 1, m));
			}
			System.out.printf(java.util.Locale.ROOT, "PROBE all holes: ours %.2f, harmonic %.2f, biharmonic %.2f%n",
				Metrics.psnr(ours, truth, 1, hole), Metrics.psnr(harmonic, truth, 1, hole), Metrics.psnr(biharmonic,
					truth, 1, hole));
		}
	}
}
