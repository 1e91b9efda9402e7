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
		final int n = 256;
		final QualityBenchmark.Settings s = new QualityBenchmark.Settings(image + 1, n, 0.1, 0, 0, 9000, java.util
			.Set.of("inpaint"));
		final float[] truth = QualityBenchmark.truth(s, image);
		final boolean[] hole = QualityBenchmark.holes(image, n, s.seed() * 17 + image);
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
			final int[] label = new int[n * n];
			int holes = 0;
			for (int p = 0; p < n * n; p++) {
				if (!hole[p] || label[p] != 0) continue;
				holes++;
				final java.util.ArrayDeque<Integer> queue = new java.util.ArrayDeque<>(java.util.List.of(p));
				label[p] = holes;
				while (!queue.isEmpty()) {
					final int c = queue.poll(), x = c % n, y = c / n;
					for (final int b : new int[] { x > 0 ? c - 1 : -1, x < n - 1 ? c + 1 : -1, y > 0 ? c - n : -1,
						y < n - 1 ? c + n : -1 })
					{
						if (b >= 0 && hole[b] && label[b] == 0) {
							label[b] = holes;
							queue.add(b);
						}
					}
				}
			}
			for (int l = 1; l <= holes; l++) {
				final boolean[] m = new boolean[n * n];
				int count = 0, x0 = n, y0 = n;
				for (int p = 0; p < n * n; p++) {
					if (label[p] != l) continue;
					m[p] = true;
					count++;
					x0 = Math.min(x0, p % n);
					y0 = Math.min(y0, p / n);
				}
				System.out.printf(java.util.Locale.ROOT, "PROBE hole %d at %d,%d, %d px: ours %.2f, harmonic %.2f, " +
					"biharmonic %.2f%n", l, x0, y0, count, Metrics.psnr(ours, truth, 1, m), Metrics.psnr(harmonic, truth, 1,
						m), Metrics.psnr(biharmonic, truth, 1, m));
			}
			System.out.printf(java.util.Locale.ROOT, "PROBE all holes: ours %.2f, harmonic %.2f, biharmonic %.2f%n",
				Metrics.psnr(ours, truth, 1, hole), Metrics.psnr(harmonic, truth, 1, hole), Metrics.psnr(biharmonic,
					truth, 1, hole));
		}
	}
}
