package sc.fiji.diffusion.benchmark;

import java.util.SplittableRandom;

import sc.fiji.diffusion.restore.Fill;

/**
 * A measurement, not a test (docs/defaults.md, "The benchmark's image 7"): the harmonic against the
 * biharmonic fill of one block of 12-32 pixels per scene, in a corner of the image and inside it, over
 * the quality benchmark's scenes from seed 7000. Usage: {@code CornerFillProbe COUNT [five-kinds|held-out]}.
 */
public final class CornerFillProbe {

	private CornerFillProbe() {}

	public static void main(final String[] args) {
		final int n = 256, count = Integer.parseInt(args[0]);
		final String scenes = args.length > 1 ? args[1] : QualityBenchmark.FIVE_KINDS;
		final QualityBenchmark.Settings s = new QualityBenchmark.Settings(count, n, 0.1, 0, 0, 7000, java.util.Set
			.of("inpaint"), scenes);
		final int[][] wins = new int[2][2];
		final double[][] sums = new double[2][2];
		for (int i = 0; i < count; i++) {
			final float[] truth = QualityBenchmark.truth(s, i);
			final SplittableRandom r = new SplittableRandom(i * 7 + 1);
			for (int corner = 0; corner < 2; corner++) {
				final int bw = 12 + r.nextInt(21), bh = 12 + r.nextInt(21);
				final int x0, y0;
				if (corner == 1) {
					x0 = r.nextBoolean() ? 0 : n - bw;
					y0 = r.nextBoolean() ? 0 : n - bh;
				}
				else {
					x0 = 8 + r.nextInt(n - bw - 16);
					y0 = 8 + r.nextInt(n - bh - 16);
				}
				final boolean[] m = new boolean[n * n];
				for (int y = y0; y < y0 + bh; y++) for (int x = x0; x < x0 + bw; x++) m[y * n + x] = true;
				final float[] in = truth.clone();
				for (int k = 0; k < in.length; k++) if (m[k]) in[k] = Float.NaN;
				final double ph = Metrics.psnr(Fill.solveHarmonic(in, m, n, n), truth, 1, m);
				final double pb = Metrics.psnr(Fill.solveBiharmonic(in, m, n, n), truth, 1, m);
				wins[corner][ph > pb ? 0 : 1]++;
				sums[corner][0] += ph;
				sums[corner][1] += pb;
			}
		}
		for (int corner = 1; corner >= 0; corner--) {
			System.out.printf(java.util.Locale.ROOT, "PROBE %s: harmonic better on %d, biharmonic on %d; mean PSNR " +
				"%.2f / %.2f%n", corner == 1 ? "corner" : "inside", wins[corner][0], wins[corner][1], sums[corner][0] /
					count, sums[corner][1] / count);
		}
	}
}
