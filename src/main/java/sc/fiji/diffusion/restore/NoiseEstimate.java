package sc.fiji.diffusion.restore;

import java.util.Arrays;

/**
 * Estimates the standard deviation of additive Gaussian noise from one image, after Immerkaer (1996):
 * the 3x3 operator [1 -2 1; -2 4 -2; 1 -2 1] cancels smooth structure and passes noise with gain 6;
 * the median absolute response, not the mean, keeps edges from inflating the estimate.
 */
public final class NoiseEstimate {

	private NoiseEstimate() {}

	/** @return the noise sigma in the image's units; NaN pixels are skipped */
	public static double gaussianSigma(final float[] image, final int width, final int height) {
		if (width < 3 || height < 3) {
			throw new IllegalArgumentException("Noise estimation needs an image of at least 3 x 3 pixels.");
		}
		final float[] r = new float[(width - 2) * (height - 2)];
		int n = 0;
		for (int y = 1; y < height - 1; y++) {
			for (int x = 1; x < width - 1; x++) {
				final int i = y * width + x;
				final double v = image[i - width - 1] - 2 * image[i - width] + image[i - width + 1] - 2 *
					image[i - 1] + 4 * image[i] - 2 * image[i + 1] + image[i + width - 1] - 2 * image[i +
						width] + image[i + width + 1];
				if (Double.isFinite(v)) r[n++] = (float) Math.abs(v);
			}
		}
		if (n == 0) throw new IllegalArgumentException("The image has no finite 3 x 3 neighbourhood.");
		final float[] a = Arrays.copyOf(r, n);
		Arrays.sort(a);
		double median = n % 2 == 1 ? a[n / 2] : (a[n / 2 - 1] + a[n / 2]) / 2.0;
		if (median == 0) {
			// Mostly flat or clipped (e.g. a saturated-zero background): judge by where there is signal.
			int first = 0;
			while (first < n && a[first] == 0) first++;
			if (first < n) median = a[first + (n - first) / 2];
		}
		// median |N(0, 1)| = 0.6745; the operator's gain for white noise is sqrt(36) = 6.
		return median / 0.6745 / 6;
	}
}
