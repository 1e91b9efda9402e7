package sc.fiji.diffusion.engine;

import java.util.Arrays;

/** Percentiles of pixel values, ignoring NaN (missing pixels). */
public final class Percentiles {

	private Percentiles() {}

	/** The lowest and highest finite value of the planes (every value read), or {+inf, -inf} when none. */
	public static float[] finiteRange(final java.util.List<float[]> planes) {
		if (planes.size() > 1) {
			// Planes on all cores (a stack's passes over its pixels are most of its host time).
			return planes.parallelStream().map(p -> finiteRange(java.util.List.of(p))).reduce(new float[] {
				Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY }, (a, b) -> new float[] { Math.min(a[0], b[0]),
					Math.max(a[1], b[1]) });
		}
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
			// The values whose index over all planes is a multiple of the stride.
			for (long j = (stride - k % stride) % stride; j < p.length && n < sample.length; j += stride) {
				sample[n++] = p[(int) j];
			}
			k += p.length;
		}
		return owned(sample, n, percents);
	}

	/**
	 * @param percents in [0, 100]
	 * @return one value per percent, linearly interpolated between order statistics
	 * @throws IllegalArgumentException when no value is finite
	 */
	public static double[] of(final float[] values, final double... percents) {
		return owned(values.clone(), values.length, percents);
	}

	/** {@link #of} on the first {@code count} values of an array it may reorder and overwrite. */
	private static double[] owned(final float[] work, final int count, final double... percents) {
		int n = 0;
		for (int i = 0; i < count; i++) if (Float.isFinite(work[i])) work[n++] = work[i];
		if (n == 0) throw new IllegalArgumentException("The image has no finite pixel value.");
		final double[] out = new double[percents.length];
		for (int i = 0; i < percents.length; i++) {
			final double pos = Math.max(0, Math.min(100, percents[i])) / 100 * (n - 1);
			final int lo = (int) Math.floor(pos);
			if (n >= PARALLEL_VALUES) {
				// The same order statistics on all cores.
				final float[] ab = orderStatistics(work, n, lo, Math.min(lo + 1, n - 1));
				out[i] = ab[0] + (pos - lo) * (ab[1] - ab[0]);
				continue;
			}
			final float a = select(work, n, lo);
			// After the selection every value above position lo is at least a: the next order statistic
			// is their smallest.
			float b = a;
			if (lo + 1 < n) {
				b = Float.POSITIVE_INFINITY;
				for (int j = lo + 1; j < n; j++) if (work[j] < b) b = work[j];
			}
			out[i] = a + (pos - lo) * (b - a);
		}
		return out;
	}

	/**
	 * The k-th smallest (from 0) of the first n values, by selection (Hoare's quickselect, median of
	 * three), in linear expected time instead of a sort's n log n. Reorders those values: afterwards
	 * position k holds it, no value before it is larger and none after it smaller.
	 */
	public static float select(final float[] a, final int n, final int k) {
		if (k < 0 || k >= n) throw new IllegalArgumentException("Order " + k + " of " + n + " values.");
		int lo = 0, hi = n - 1;
		while (hi > lo) {
			final int mid = (lo + hi) >>> 1;
			// Median of three as the pivot: sorted data and plateaus do not make it quadratic.
			if (a[mid] < a[lo]) swap(a, mid, lo);
			if (a[hi] < a[lo]) swap(a, hi, lo);
			if (a[hi] < a[mid]) swap(a, hi, mid);
			final float pivot = a[mid];
			int i = lo, j = hi;
			while (i <= j) {
				while (a[i] < pivot) i++;
				while (a[j] > pivot) j--;
				if (i <= j) swap(a, i++, j--);
			}
			// [lo, j] <= pivot <= [i, hi]; between them, values equal to the pivot.
			if (k <= j) hi = j;
			else if (k >= i) lo = i;
			else return a[k];
		}
		return a[k];
	}

	/** From this many values on, {@link #orderStatistics} finds the percentiles on all cores. */
	static final int PARALLEL_VALUES = 1 << 20;

	/**
	 * The j-th and k-th smallest (from 0, j <= k) of the first n values, all finite, exactly as
	 * {@link #select} finds them, on all cores and without reordering: a histogram of the values' top
	 * 16 bits (in the order of the values) counted in parallel finds the bin holding each, a selection
	 * among that bin's values the value.
	 */
	static float[] orderStatistics(final float[] a, final int n, final int j, final int k) {
		final int parts = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), n / (1 << 16)));
		final int[] bins = java.util.stream.IntStream.range(0, parts).parallel().mapToObj(p -> {
			final int[] h = new int[1 << 16];
			for (int i = (int) ((long) n * p / parts), end = (int) ((long) n * (p + 1) / parts); i < end; i++) {
				h[bin(a[i])]++;
			}
			return h;
		}).reduce(new int[1 << 16], (x, y) -> {
			final int[] z = new int[1 << 16];
			for (int b = 0; b < z.length; b++) z[b] = x[b] + y[b];
			return z;
		});
		return new float[] { inBin(a, n, bins, j), inBin(a, n, bins, k) };
	}

	/** The k-th smallest of the values, from their histogram: selected among its bin's values. */
	private static float inBin(final float[] a, final int n, final int[] bins, final int k) {
		int b = 0;
		long below = 0;
		while (below + bins[b] <= k) below += bins[b++];
		final int bin = b;
		final float[] members = new float[bins[bin]];
		int m = 0;
		for (int i = 0; i < n; i++) if (bin(a[i]) == bin) members[m++] = a[i];
		return select(members, m, (int) (k - below));
	}

	/**
	 * A finite value's histogram bin: the top 16 bits of its bits made to sort as the values do
	 * (negative values' bits reversed), from 0.
	 */
	private static int bin(final float v) {
		final int bits = Float.floatToRawIntBits(v);
		return ((bits ^ ((bits >> 31) & 0x7fffffff)) >> 16) + (1 << 15);
	}

	private static void swap(final float[] a, final int i, final int j) {
		final float t = a[i];
		a[i] = a[j];
		a[j] = t;
	}
}
