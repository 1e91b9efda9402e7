package sc.fiji.diffusion.restore;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Estimates the noise of an image. Gaussian level after Immerkaer (1996): the 3x3 operator
 * [1 -2 1; -2 4 -2; 1 -2 1] cancels smooth structure and passes noise with gain 6; the median absolute
 * response, not the mean, keeps edges from inflating the estimate. Signal-dependent (camera) noise:
 * the same response binned by local mean gives the variance at each intensity, and a robust line
 * through it, variance = a * mean + b, gives the Poisson-Gaussian model (in the spirit of Foi et al.
 * 2008).
 */
public final class NoiseEstimate {

	private NoiseEstimate() {}

	/**
	 * @return the noise sigma in the image's units; NaN pixels and neighbourhoods touching a clipped
	 *         level are skipped; 0 when every neighbourhood touches one (noiseless as far as it shows)
	 */
	public static double gaussianSigma(final float[] image, final int width, final int height) {
		return gaussianSigma(List.of(image), width, height);
	}

	/**
	 * Median absolute response over usable neighbourhoods and the number of finite ones: the median
	 * is NaN when none is usable (all NaN, or all touching a clipped level).
	 */
	private static double[] medianResponse(final float[] image, final int width, final int height) {
		final float[] clip = clippedLevels(image);
		final float[] r = new float[(width - 2) * (height - 2)];
		int n = 0, finite = 0;
		for (int y = 1; y < height - 1; y++) {
			for (int x = 1; x < width - 1; x++) {
				final int i = y * width + x;
				final double v = response(image, i, width);
				if (!Double.isFinite(v)) continue;
				finite++;
				if (!touches(image, i, width, clip)) r[n++] = (float) Math.abs(v);
			}
		}
		if (n == 0) return new double[] { Double.NaN, finite };
		// The median, between the two middle values for an even count.
		return new double[] { sc.fiji.diffusion.engine.Percentiles.of(Arrays.copyOf(r, n), 50)[0], finite };
	}

	/**
	 * The image's lowest and highest values where they look clipped (shared by more than 0.5% of
	 * the finite pixels: a saturated region, a background cut at zero), else NaN. Noise near a
	 * clipped level is cut too, so those neighbourhoods would understate it.
	 */
	static float[] clippedLevels(final float[] image) {
		final float[] range = sc.fiji.diffusion.engine.Percentiles.finiteRange(List.of(image));
		final float lo = range[0], hi = range[1];
		int nLo = 0, nHi = 0, finite = 0;
		for (final float v : image) {
			if (Float.isFinite(v)) finite++;
			if (v == lo) nLo++;
			if (v == hi) nHi++;
		}
		final double frequent = 0.005 * finite;
		return new float[] { finite > 0 && nLo > frequent ? lo : Float.NaN, finite > 0 && nHi > frequent
			? hi : Float.NaN };
	}

	/** Whether the 3 x 3 neighbourhood of interior pixel i holds a clipped level. */
	private static boolean touches(final float[] img, final int i, final int width, final float[] clip) {
		if (Float.isNaN(clip[0]) && Float.isNaN(clip[1])) return false;
		for (int dy = -1; dy <= 1; dy++) {
			for (int dx = -1; dx <= 1; dx++) {
				final float v = img[i + dy * width + dx];
				if (v == clip[0] || v == clip[1]) return true;
			}
		}
		return false;
	}

	/**
	 * One level for a channel of a stack: the median over planes of each plane's level. Planes with
	 * nothing usable (all NaN, or clipped everywhere: an empty or saturated frame) do not count; when
	 * no plane counts but some have finite neighbourhoods, 0 (noiseless as far as it shows).
	 */
	public static double gaussianSigma(final List<float[]> planes, final int width, final int height) {
		if (width < 3 || height < 3) {
			throw new IllegalArgumentException("Noise estimation needs an image of at least 3 x 3 pixels: " +
				"give the noise explicitly (noise=gaussian:SIGMA).");
		}
		final double[] s = new double[planes.size()];
		int n = 0;
		boolean finite = false;
		for (final float[] p : planes) {
			final double[] r = medianResponse(p, width, height);
			finite |= r[1] > 0;
			if (!Double.isNaN(r[0])) s[n++] = sigmaOfMedianResponse(r[0]);
		}
		if (n == 0 && finite) return 0;
		if (n == 0) throw new IllegalArgumentException("The image has no finite 3 x 3 neighbourhood: " +
			"give the noise explicitly (noise=gaussian:SIGMA).");
		Arrays.sort(s, 0, n);
		return s[n / 2];
	}

	/** Immerkaer's operator [1 -2 1; -2 4 -2; 1 -2 1] at interior pixel i. */
	private static double response(final float[] img, final int i, final int width) {
		return img[i - width - 1] - 2 * img[i - width] + img[i - width + 1] - 2 * img[i - 1] + 4 * img[i] -
			2 * img[i + 1] + img[i + width - 1] - 2 * img[i + width] + img[i + width + 1];
	}

	/** Noise sigma from the median absolute operator response. */
	private static double sigmaOfMedianResponse(final double median) {
		// median |N(0, 1)| = 0.6745; the operator's gain for white noise is sqrt(36) = 6.
		return median / 0.6745 / 6;
	}

	/** Intensity bins of the variance-versus-mean fit. */
	static final int BINS = 16;
	/** Noise counts as signal-dependent when the fitted variance at the bright end is this many times the dark end's. */
	static final double DEPENDENCE = 2;

	/**
	 * The noise model of a set of planes (a channel of a stack): Poisson-Gaussian when the noise
	 * variance clearly grows with intensity, else Gaussian with the level of {@link #gaussianSigma}
	 * (the median over planes).
	 */
	public static NoiseModel model(final List<float[]> planes, final int width, final int height) {
		final double[] line = varianceLine(planes, width, height);
		if (line != null) {
			final double a = line[0], b = line[1], dark = line[2], bright = line[3];
			final double vDark = a * dark + b, vBright = a * bright + b;
			if (a > 0 && vDark > 0 && vBright > DEPENDENCE * vDark) {
				// Only b = read^2 - gain * offset is identified: put it into the read noise when it is
				// positive, else into the offset; the Anscombe transform is the same either way.
				return b >= 0 ? new NoiseModel.PoissonGaussian(a, 0, Math.sqrt(b))
					: new NoiseModel.PoissonGaussian(a, -b / a, 0);
			}
		}
		return new NoiseModel.Gaussian(gaussianSigma(planes, width, height));
	}

	/**
	 * Robust line through (local mean, noise variance) over intensity bins: {a, b, darkest bin's
	 * mean, brightest bin's mean}, or null when there are too few pixels.
	 */
	static double[] varianceLine(final List<float[]> planes, final int width, final int height) {
		if (width < 3 || height < 3) return null;
		final int interior = (width - 2) * (height - 2);
		// At most about 4 M samples, evenly strided over the planes' pixels.
		final long total = (long) interior * planes.size();
		final int stride = (int) Math.max(1, total / (1 << 22));
		final int cap = (int) Math.min(Integer.MAX_VALUE - 8, total / stride + 1);
		final float[] mean = new float[cap], resp = new float[cap];
		int n = 0;
		long k = 0;
		for (final float[] img : planes) {
			// Clipped levels (and a constant plane, all of one level) would show as noiseless intensities.
			final float[] clip = clippedLevels(img);
			for (int y = 1; y < height - 1; y++) {
				for (int x = 1; x < width - 1; x++, k++) {
					if (k % stride != 0 || n >= cap) continue;
					final int i = y * width + x;
					if (touches(img, i, width, clip)) continue;
					final double v = response(img, i, width);
					final double m = (img[i - width - 1] + img[i - width] + img[i - width + 1] + img[i - 1] +
						img[i] + img[i + 1] + img[i + width - 1] + img[i + width] + img[i + width + 1]) / 9.0;
					if (!Double.isFinite(v) || !Double.isFinite(m)) continue;
					mean[n] = (float) m;
					resp[n++] = (float) Math.abs(v);
				}
			}
		}
		if (n < BINS * 200) return null;
		// Samples ordered by local mean: sortable float bits in the high word, index in the low one.
		final long[] keyed = new long[n];
		for (int i = 0; i < n; i++) {
			int bits = Float.floatToIntBits(mean[i]);
			bits ^= (bits >> 31) & 0x7fffffff;
			keyed[i] = (long) bits << 32 | i;
		}
		Arrays.sort(keyed);
		final int[] order = new int[n];
		for (int i = 0; i < n; i++) order[i] = (int) keyed[i];
		final double[] bx = new double[BINS], by = new double[BINS];
		for (int b = 0; b < BINS; b++) {
			final int from = (int) ((long) n * b / BINS), to = (int) ((long) n * (b + 1) / BINS);
			final float[] r = new float[to - from];
			double sum = 0;
			for (int j = from; j < to; j++) {
				r[j - from] = resp[order[j]];
				sum += mean[order[j]];
			}
			Arrays.sort(r);
			final double sigma = sigmaOfMedianResponse(r[r.length / 2]);
			bx[b] = sum / r.length;
			by[b] = sigma * sigma;
		}
		// Theil-Sen: the median of the slopes between bins, then the median intercept; bins at bright
		// edges (inflated variance) do not pull it.
		final List<Double> slopes = new ArrayList<>();
		for (int p = 0; p < BINS; p++) {
			for (int q = p + 1; q < BINS; q++) {
				if (bx[q] - bx[p] > 1e-12 * Math.max(1, Math.abs(bx[q]))) slopes.add((by[q] - by[p]) / (bx[q] -
					bx[p]));
			}
		}
		if (slopes.isEmpty()) return null;
		final double a = median(slopes);
		final List<Double> icepts = new ArrayList<>();
		for (int p = 0; p < BINS; p++) icepts.add(by[p] - a * bx[p]);
		return new double[] { a, median(icepts), bx[0], bx[BINS - 1] };
	}

	private static double median(final List<Double> values) {
		final double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
		return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
	}
}
