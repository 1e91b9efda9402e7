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
