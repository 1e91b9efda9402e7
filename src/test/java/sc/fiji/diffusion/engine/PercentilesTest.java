package sc.fiji.diffusion.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** Selection gives the order statistics a sort gives, on data with plateaus, order and NaN. */
class PercentilesTest {

	@Test
	void selectionEqualsTheSortedValue() {
		final SplittableRandom r = new SplittableRandom(3);
		for (int trial = 0; trial < 200; trial++) {
			final int n = 1 + r.nextInt(300);
			final float[] a = data(r, n, trial % 5);
			final float[] sorted = a.clone();
			Arrays.sort(sorted);
			for (final int k : new int[] { 0, n / 3, n / 2, n - 1, r.nextInt(n) }) {
				final float[] work = a.clone();
				assertEquals(sorted[k], Percentiles.select(work, n, k), "trial " + trial + ", k " + k);
				for (int i = 0; i < k; i++) assertEquals(true, work[i] <= work[k]);
				for (int i = k + 1; i < n; i++) assertEquals(true, work[i] >= work[k]);
			}
		}
	}

	@Test
	void manyValuesGiveTheSortedOrderStatisticsOnAllCores() {
		// Above PARALLEL_VALUES the histogram path: negative and positive values, a plateau, both zeros.
		final int n = Percentiles.PARALLEL_VALUES + 12345;
		final SplittableRandom r = new SplittableRandom(5);
		final float[] v = new float[n];
		for (int i = 0; i < n; i++) {
			final int kind = r.nextInt(4);
			v[i] = kind == 0 ? 7.25f : kind == 1 ? (float) (1000 * r.nextGaussian()) : kind == 2 ? (float) r
				.nextDouble(-1e-3, 1e-3) : (i % 2 == 0 ? 0f : -0f);
		}
		final float[] copy = v.clone();
		final float[] sorted = v.clone();
		Arrays.sort(sorted);
		for (final int k : new int[] { 0, 1, n / 100, n / 4, n / 2, n - n / 500, n - 2, n - 1 }) {
			final float[] ab = Percentiles.orderStatistics(v, n, k, Math.min(k + 1, n - 1));
			assertEquals(sorted[k], ab[0], 0f, "order " + k);
			assertEquals(sorted[Math.min(k + 1, n - 1)], ab[1], 0f, "order " + (k + 1));
		}
		org.junit.jupiter.api.Assertions.assertArrayEquals(copy, v);
		// Percentiles through it, as the sorted values interpolate them.
		final double[] q = Percentiles.of(v, 1, 99.8);
		for (int i = 0; i < 2; i++) {
			final double pos = new double[] { 1, 99.8 }[i] / 100 * (n - 1);
			final int lo = (int) Math.floor(pos);
			assertEquals(sorted[lo] + (pos - lo) * (sorted[lo + 1] - sorted[lo]), q[i], 1e-9);
		}
	}

	@Test
	void percentilesInterpolateBetweenOrderStatisticsIgnoringNaN() {
		final SplittableRandom r = new SplittableRandom(5);
		for (int trial = 0; trial < 100; trial++) {
			final int n = 1 + r.nextInt(2000);
			final float[] a = data(r, n, trial % 5);
			for (int i = 0; i < n; i += 7) a[i] = Float.NaN;
			final float[] sorted = sortedFinite(a);
			if (sorted.length == 0) continue;
			final double[] p = { 0, 0.1, 1, 50, 99.8, 100 };
			final double[] got = Percentiles.of(a, p);
			for (int i = 0; i < p.length; i++) {
				final double pos = p[i] / 100 * (sorted.length - 1);
				final int lo = (int) Math.floor(pos), hi = Math.min(lo + 1, sorted.length - 1);
				assertEquals(sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]), got[i], 1e-6, "trial " + trial +
					", percent " + p[i]);
			}
		}
		assertThrows(IllegalArgumentException.class, () -> Percentiles.of(new float[] { Float.NaN }, 50));
	}

	@Test
	void stridedPercentilesTakeEveryStrideThValueAcrossPlanes() {
		final SplittableRandom r = new SplittableRandom(9);
		final java.util.List<float[]> planes = new java.util.ArrayList<>();
		for (final int size : new int[] { 37, 1, 120, 59 }) planes.add(data(r, size, 0));
		for (final int max : new int[] { 5, 16, 50, 217, 1000 }) {
			final long stride = Math.max(1, (217 + max - 1) / max);
			final java.util.List<Float> chosen = new java.util.ArrayList<>();
			long k = 0;
			for (final float[] p : planes) for (final float v : p) if (k++ % stride == 0) chosen.add(v);
			final float[] sample = new float[chosen.size()];
			for (int i = 0; i < sample.length; i++) sample[i] = chosen.get(i);
			final double[] p = { 1, 50, 99.8 };
			final double[] want = Percentiles.of(sample, p), got = Percentiles.ofStrided(planes, max, p);
			for (int i = 0; i < p.length; i++) assertEquals(want[i], got[i], 0, "max " + max + ", percent " + p[i]);
		}
	}

	private static float[] sortedFinite(final float[] a) {
		final float[] f = new float[a.length];
		int n = 0;
		for (final float v : a) if (Float.isFinite(v)) f[n++] = v;
		final float[] out = Arrays.copyOf(f, n);
		Arrays.sort(out);
		return out;
	}

	/** Kinds: random, few distinct values (plateaus), ascending, descending, all equal. */
	private static float[] data(final SplittableRandom r, final int n, final int kind) {
		final float[] a = new float[n];
		for (int i = 0; i < n; i++) {
			a[i] = switch (kind) {
				case 0 -> (float) r.nextGaussian();
				case 1 -> r.nextInt(4);
				case 2 -> i;
				case 3 -> n - i;
				default -> 7;
			};
		}
		return a;
	}
}
