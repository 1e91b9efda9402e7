package sc.fiji.diffusion.benchmark;

/**
 * Image quality metrics for the benchmark: PSNR (whole image or over a mask) and SSIM.
 * <p>
 * Images are row-major {@code float[]} (index {@code y * width + x}); sums are kept in double so
 * that 256 x 256 images with tiny errors still give exact-looking PSNR values.
 */
public final class Metrics {

	/** SSIM window: Gaussian of sigma 1.5 truncated at radius 5 (11 x 11), as in Wang et al. 2004. */
	private static final double SSIM_SIGMA = 1.5;
	private static final int SSIM_RADIUS = 5;
	private static final double K1 = 0.01;
	private static final double K2 = 0.03;

	private Metrics() {}

	/**
	 * Peak signal-to-noise ratio, {@code 10 log10(range^2 / MSE)} in dB.
	 *
	 * @return {@code +Infinity} when the images are identical
	 */
	public static double psnr(final float[] estimate, final float[] truth, final double range) {
		requireSameLength(estimate, truth);
		double sum = 0;
		for (int i = 0; i < truth.length; i++) {
			final double d = (double) estimate[i] - truth[i];
			sum += d * d;
		}
		return psnrOfMse(sum / truth.length, range);
	}

	/**
	 * PSNR with the mean squared error taken only over pixels where {@code where[i]} is true, e.g.
	 * inside the holes of an inpainting problem (known pixels would otherwise inflate the score).
	 *
	 * @throws IllegalArgumentException when no pixel is selected
	 */
	public static double psnr(final float[] estimate, final float[] truth, final double range,
		final boolean[] where)
	{
		requireSameLength(estimate, truth);
		if (where.length != truth.length) throw new IllegalArgumentException("The mask has " +
			where.length + " pixels, the images " + truth.length + ".");
		double sum = 0;
		int count = 0;
		for (int i = 0; i < truth.length; i++) {
			if (!where[i]) continue;
			final double d = (double) estimate[i] - truth[i];
			sum += d * d;
			count++;
		}
		if (count == 0) throw new IllegalArgumentException("The mask selects no pixel.");
		return psnrOfMse(sum / count, range);
	}

	/**
	 * Structural similarity (Wang, Bovik, Sheikh and Simoncelli 2004) with an 11 x 11 Gaussian
	 * window of sigma 1.5, K1 = 0.01 and K2 = 0.03.
	 * <p>
	 * The SSIM map is averaged over the "valid" region only: pixels whose whole window lies inside
	 * the image, as in the authors' reference MATLAB code. Invented border values would otherwise
	 * make a score depend on the padding rule.
	 *
	 * @throws IllegalArgumentException when the image is smaller than the 11 x 11 window
	 */
	public static double ssim(final float[] a, final float[] b, final int width, final int height,
		final double range)
	{
		requireSameLength(a, b);
		if ((long) width * height != a.length) throw new IllegalArgumentException("The images have " +
			a.length + " pixels, not " + width + " x " + height + ".");
		final int window = 2 * SSIM_RADIUS + 1;
		if (width < window || height < window) throw new IllegalArgumentException(
			"SSIM needs images of at least " + window + " x " + window + " pixels.");

		final int n = a.length;
		final double[] x = new double[n], y = new double[n];
		final double[] xx = new double[n], yy = new double[n], xy = new double[n];
		for (int i = 0; i < n; i++) {
			x[i] = a[i];
			y[i] = b[i];
			xx[i] = x[i] * x[i];
			yy[i] = y[i] * y[i];
			xy[i] = x[i] * y[i];
		}
		final double[] g = gaussianWindow();
		final double[] muX = filterValid(x, width, height, g);
		final double[] muY = filterValid(y, width, height, g);
		final double[] mXX = filterValid(xx, width, height, g);
		final double[] mYY = filterValid(yy, width, height, g);
		final double[] mXY = filterValid(xy, width, height, g);

		final double c1 = (K1 * range) * (K1 * range);
		final double c2 = (K2 * range) * (K2 * range);
		double sum = 0;
		for (int i = 0; i < muX.length; i++) {
			final double mx = muX[i], my = muY[i];
			final double varX = mXX[i] - mx * mx;
			final double varY = mYY[i] - my * my;
			final double cov = mXY[i] - mx * my;
			sum += (2 * mx * my + c1) * (2 * cov + c2) /
				((mx * mx + my * my + c1) * (varX + varY + c2));
		}
		return sum / muX.length;
	}

	private static double psnrOfMse(final double mse, final double range) {
		if (mse == 0) return Double.POSITIVE_INFINITY;
		return 10 * Math.log10(range * range / mse);
	}

	private static double[] gaussianWindow() {
		final double[] g = new double[2 * SSIM_RADIUS + 1];
		double sum = 0;
		for (int k = -SSIM_RADIUS; k <= SSIM_RADIUS; k++) {
			g[k + SSIM_RADIUS] = Math.exp(-k * k / (2 * SSIM_SIGMA * SSIM_SIGMA));
			sum += g[k + SSIM_RADIUS];
		}
		for (int k = 0; k < g.length; k++) g[k] /= sum;
		return g;
	}

	/** Separable filtering keeping only outputs whose window fits in the image. */
	private static double[] filterValid(final double[] src, final int w, final int h,
		final double[] g)
	{
		final int taps = g.length;
		final int ow = w - taps + 1, oh = h - taps + 1;
		final double[] rows = new double[ow * h];
		for (int y = 0; y < h; y++) {
			final int in = y * w, out = y * ow;
			for (int x = 0; x < ow; x++) {
				double s = 0;
				for (int k = 0; k < taps; k++) s += g[k] * src[in + x + k];
				rows[out + x] = s;
			}
		}
		final double[] dst = new double[ow * oh];
		for (int y = 0; y < oh; y++) {
			final int out = y * ow;
			for (int k = 0; k < taps; k++) {
				final double gk = g[k];
				final int in = (y + k) * ow;
				for (int x = 0; x < ow; x++) dst[out + x] += gk * rows[in + x];
			}
		}
		return dst;
	}

	private static void requireSameLength(final float[] a, final float[] b) {
		if (a.length != b.length) throw new IllegalArgumentException("The images differ in size: " +
			a.length + " and " + b.length + " pixels.");
	}

	/** The median of the values (mean of the middle two for an even count). */
	public static double median(final double[] v) {
		final double[] s = v.clone();
		java.util.Arrays.sort(s);
		return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
	}
}
