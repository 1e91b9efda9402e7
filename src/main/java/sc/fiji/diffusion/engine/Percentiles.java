package sc.fiji.diffusion.engine;

import java.util.Arrays;

/** Percentiles of pixel values, ignoring NaN (missing pixels). */
public final class Percentiles {

	private Percentiles() {}

	/** The lowest and highest finite value of the planes (every value read), or {+inf, -inf} when none. */
	public static float[] finiteRange(final java.util.List<float[]> planes) {
		float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
		for (final float[] p : planes) {
			for (final float v : p) {
				if (!Float.isFinite(v)) continue;
				if (v < lo) lo = v;
				if (v > hi) hi = v;
			}
		}
		return new float[] { lo, hi };
	}

	/**
	 * Percentiles over many planes from at most {@code maxValues} of their values, evenly strided:
	 * exact enough for normalization and display, in bounded time and memory.
	 */
	public static double[] ofStrided(final java.util.List<float[]> planes, final int maxValues,
		final double... percents)
	{
		long total = 0;
		for (final float[] p : planes) total += p.length;
		final long stride = Math.max(1, (total + maxValues - 1) / maxValues);
		final float[] sample = new float[(int) Math.min(total, (long) maxValues + planes.size())];
		int n = 0;
		long k = 0;
		for (final float[] p : planes) {
			for (final float v : p) {
				if (k++ % stride == 0 && n < sample.length) sample[n++] = v;
			}
		}
		return of(Arrays.copyOf(sample, n), percents);
	}

	/**
	 * @param percents in [0, 100]
	 * @return one value per percent, linearly interpolated between order statistics
	 * @throws IllegalArgumentException when no value is finite
	 */
	public static double[] of(final float[] values, final double... percents) {
		final float[] sorted = new float[values.length];
		int n = 0;
		for (final float v : values) if (Float.isFinite(v)) sorted[n++] = v;
		if (n == 0) throw new IllegalArgumentException("The image has no finite pixel value.");
		Arrays.sort(sorted, 0, n);
		final double[] out = new double[percents.length];
		for (int i = 0; i < percents.length; i++) {
			final double pos = Math.max(0, Math.min(100, percents[i])) / 100 * (n - 1);
			final int lo = (int) Math.floor(pos);
			final int hi = Math.min(lo + 1, n - 1);
			out[i] = sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
		}
		return out;
	}
}
