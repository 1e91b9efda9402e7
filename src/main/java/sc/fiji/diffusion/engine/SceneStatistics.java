package sc.fiji.diffusion.engine;

/**
 * How much two sets of square images look alike, by two summary statistics: the radially averaged
 * power spectrum (texture and sharpness at every scale) and the intensity histogram. Used to compare
 * a model's samples with its training scenes, beside the same distance between two independent sets
 * of training scenes (the floor set by finite sample counts).
 */
public final class SceneStatistics {

	public static final int HISTOGRAM_BINS = 50;

	private SceneStatistics() {}

	/** Mean power per integer radius 1 .. n/2 of the mean-subtracted image's 2-D DFT. */
	public static double[] radialPowerSpectrum(final float[] image, final int n) {
		if (image.length != n * n) throw new IllegalArgumentException("Image is not " + n + " x " + n + ".");
		double mean = 0;
		for (final float v : image) mean += v;
		mean /= image.length;
		final double[] cos = new double[n], sin = new double[n];
		for (int k = 0; k < n; k++) {
			cos[k] = Math.cos(2 * Math.PI * k / n);
			sin[k] = -Math.sin(2 * Math.PI * k / n);
		}
		// Separable DFT: rows, then columns.
		final double[] re = new double[n * n], im = new double[n * n];
		for (int y = 0; y < n; y++) {
			for (int u = 0; u < n; u++) {
				double r = 0, i = 0;
				for (int x = 0; x < n; x++) {
					final double v = image[y * n + x] - mean;
					final int k = (u * x) % n;
					r += v * cos[k];
					i += v * sin[k];
				}
				re[y * n + u] = r;
				im[y * n + u] = i;
			}
		}
		final double[] power = new double[n / 2 + 1];
		final int[] count = new int[n / 2 + 1];
		for (int u = 0; u < n; u++) {
			for (int v = 0; v < n; v++) {
				double r = 0, i = 0;
				for (int y = 0; y < n; y++) {
					final int k = (v * y) % n;
					final double a = re[y * n + u], b = im[y * n + u];
					r += a * cos[k] - b * sin[k];
					i += a * sin[k] + b * cos[k];
				}
				final int fu = Math.min(u, n - u), fv = Math.min(v, n - v);
				final int radius = (int) Math.round(Math.sqrt(fu * fu + fv * fv));
				if (radius >= 1 && radius <= n / 2) {
					power[radius] += (r * r + i * i) / ((double) n * n);
					count[radius]++;
				}
			}
		}
		final double[] out = new double[n / 2];
		for (int r = 1; r <= n / 2; r++) out[r - 1] = power[r] / Math.max(1, count[r]);
		return out;
	}

	/** Mean spectrum of a set of images. */
	public static double[] meanSpectrum(final float[][] images, final int n) {
		final double[] sum = new double[n / 2];
		for (final float[] im : images) {
			final double[] s = radialPowerSpectrum(im, n);
			for (int i = 0; i < sum.length; i++) sum[i] += s[i] / images.length;
		}
		return sum;
	}

	/** Normalized histogram of values in [0, 1] (values outside go to the end bins). */
	public static double[] histogram(final float[][] images) {
		final double[] h = new double[HISTOGRAM_BINS];
		long total = 0;
		for (final float[] im : images) {
			for (final float v : im) {
				final int b = (int) Math.floor(Math.max(0, Math.min(0.999999, v)) * HISTOGRAM_BINS);
				h[b]++;
				total++;
			}
		}
		for (int i = 0; i < h.length; i++) h[i] /= total;
		return h;
	}

	/** Mean absolute difference of log10 mean spectra: 0.3 is a factor of two in power. */
	public static double spectrumDistance(final float[][] a, final float[][] b, final int n) {
		final double[] sa = meanSpectrum(a, n), sb = meanSpectrum(b, n);
		double d = 0;
		for (int i = 0; i < sa.length; i++) {
			d += Math.abs(Math.log10(sa[i] + 1e-12) - Math.log10(sb[i] + 1e-12));
		}
		return d / sa.length;
	}

	/** Total-variation distance of the intensity histograms, in [0, 1]. */
	public static double histogramDistance(final float[][] a, final float[][] b) {
		final double[] ha = histogram(a), hb = histogram(b);
		double d = 0;
		for (int i = 0; i < ha.length; i++) d += Math.abs(ha[i] - hb[i]);
		return d / 2;
	}
}
