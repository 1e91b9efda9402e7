package sc.fiji.diffusion.benchmark;

import java.util.Arrays;
import java.util.Locale;

import sc.fiji.diffusion.restore.Fill;
import sc.fiji.diffusion.restore.Upsample;

/**
 * Classical restoration methods that the benchmark sets against the diffusion models, and "oracle"
 * helpers that tune each method per image against the ground truth.
 * <p>
 * Images are row-major {@code float[]} (index {@code y * w + x}). No method modifies its input.
 * Where a filter needs pixels beyond the border, the image is mirrored with the edge pixel repeated
 * ({@code c b a | a b c | c b a}).
 */
public final class Classical {

	/** The winner of an oracle search: method name, its settings, its output and its PSNR. */
	public record Best(String method, String parameters, float[] image, double psnr) {}

	/** Gaussian widths tried by {@link #bestDenoise}. */
	private static final double[] DENOISE_GAUSSIAN_SIGMAS = { 0.5, 0.75, 1, 1.25, 1.5, 2, 2.5, 3, 4 };
	private static final int[] DENOISE_MEDIAN_RADII = { 1, 2, 3 };
	private static final double[] DENOISE_NLM_H_FACTORS = { 0.4, 0.55, 0.7, 0.85, 1, 1.2, 1.4, 1.6 };
	private static final int[] DENOISE_NLM_PATCH_RADII = { 1, 2 };
	private static final int[] DENOISE_NLM_SEARCH_RADII = { 5, 7 };

	private Classical() {}

	// ---------------------------------------------------------------------------------------------
	// Denoising

	/** Separable Gaussian blur, kernel truncated at 4 sigma; {@code sigma <= 0} returns a copy. */
	public static float[] gaussian(final float[] img, final int w, final int h, final double sigma) {
		requireImage(img, w, h);
		if (!(sigma > 0)) return img.clone();
		final int radius = Math.max(1, (int) Math.ceil(4 * sigma));
		final double[] kernel = new double[2 * radius + 1];
		double sum = 0;
		for (int k = -radius; k <= radius; k++) {
			kernel[k + radius] = Math.exp(-k * k / (2 * sigma * sigma));
			sum += kernel[k + radius];
		}
		for (int k = 0; k < kernel.length; k++) kernel[k] /= sum;

		final double[] rows = new double[w * h];
		final double[] line = new double[w + 2 * radius];
		for (int y = 0; y < h; y++) {
			for (int i = 0; i < line.length; i++) line[i] = img[y * w + Upsample.mirror(i - radius, w)];
			for (int x = 0; x < w; x++) {
				double s = 0;
				for (int k = 0; k < kernel.length; k++) s += kernel[k] * line[x + k];
				rows[y * w + x] = s;
			}
		}
		// Vertical pass row by row (rather than column by column) to stay cache friendly.
		final float[] out = new float[w * h];
		final double[] acc = new double[w];
		for (int y = 0; y < h; y++) {
			Arrays.fill(acc, 0);
			for (int k = 0; k < kernel.length; k++) {
				final int src = Upsample.mirror(y + k - radius, h) * w;
				final double g = kernel[k];
				for (int x = 0; x < w; x++) acc[x] += g * rows[src + x];
			}
			for (int x = 0; x < w; x++) out[y * w + x] = (float) acc[x];
		}
		return out;
	}

	/** Median over the (2 radius + 1)^2 square around each pixel; radius 0 returns a copy. */
	public static float[] median(final float[] img, final int w, final int h, final int radius) {
		requireImage(img, w, h);
		if (radius < 0) throw new IllegalArgumentException("Negative median radius: " + radius);
		if (radius == 0) return img.clone();
		final int size = 2 * radius + 1;
		final int[] cols = new int[w + 2 * radius];
		for (int i = 0; i < cols.length; i++) cols[i] = Upsample.mirror(i - radius, w);
		final int[] rowStarts = new int[size];
		final float[] window = new float[size * size];
		final float[] out = new float[w * h];
		for (int y = 0; y < h; y++) {
			for (int k = 0; k < size; k++) rowStarts[k] = Upsample.mirror(y + k - radius, h) * w;
			for (int x = 0; x < w; x++) {
				int n = 0;
				for (final int row : rowStarts)
					for (int k = 0; k < size; k++) window[n++] = img[row + cols[x + k]];
				out[y * w + x] = select(window, n / 2);
			}
		}
		return out;
	}

	/**
	 * Pixelwise non-local means (Buades, Coll and Morel 2005). Each pixel becomes the weighted mean
	 * of the pixels in its (2 searchRadius + 1)^2 neighbourhood, with weights
	 * {@code exp(-max(d2 - 2 sigma^2, 0) / h^2)}, {@code h = hFactor * noiseSigma} and {@code d2}
	 * the mean squared difference of the (2 patchRadius + 1)^2 patches. Subtracting the expected
	 * distance of two noisy copies of the same patch, 2 sigma^2, keeps such pairs at full weight.
	 */
	public static float[] nonLocalMeans(final float[] img, final int w, final int h,
		final double noiseSigma, final double hFactor, final int patchRadius, final int searchRadius)
	{
		return nonLocalMeans(img, w, h, noiseSigma, new double[] { hFactor }, patchRadius,
			new int[] { searchRadius })[0][0];
	}

	/**
	 * NL-means for several filtering strengths and search radii at once, indexed
	 * {@code [search][hFactor]}. Patch distances do not depend on h, and a smaller search window is
	 * a subset of a larger one, so an oracle sweep costs little more than a single run.
	 * <p>
	 * Distances are computed per offset o over the whole image (squared differences of the image
	 * and its shift, box-filtered), which costs O(w h) per offset whatever the patch size. Since
	 * d2 between p and p + o equals d2 between p + o and p, each distance map serves offsets o and
	 * -o, halving the work.
	 */
	private static float[][][] nonLocalMeans(final float[] img, final int w, final int h,
		final double noiseSigma, final double[] hFactors, final int patchRadius,
		final int[] searchRadii)
	{
		requireImage(img, w, h);
		if (!(noiseSigma > 0)) throw new IllegalArgumentException("NL-means needs a positive noise " +
			"sigma, not " + noiseSigma + ".");
		if (patchRadius < 0) throw new IllegalArgumentException("Negative patch radius.");
		final double[] invH2 = new double[hFactors.length];
		for (int k = 0; k < hFactors.length; k++) {
			if (!(hFactors[k] > 0)) throw new IllegalArgumentException("NL-means needs a positive h " +
				"factor, not " + hFactors[k] + ".");
			invH2[k] = 1 / (hFactors[k] * noiseSigma * hFactors[k] * noiseSigma);
		}
		int maxSearch = 0;
		for (final int s : searchRadii) {
			if (s < 0) throw new IllegalArgumentException("Negative search radius.");
			maxSearch = Math.max(maxSearch, s);
		}
		final int nh = hFactors.length, ns = searchRadii.length, n = w * h;
		final double twoSigma2 = 2 * noiseSigma * noiseSigma;
		final int p = patchRadius, margin = maxSearch + p;
		final int pw = w + 2 * margin, ph = h + 2 * margin;
		final double[] padded = new double[pw * ph];
		for (int y = 0; y < ph; y++)
			for (int x = 0; x < pw; x++)
				padded[y * pw + x] = img[Upsample.mirror(y - margin, h) * w + Upsample.mirror(x - margin, w)];

		// The pixel itself has d2 = 0, hence weight 1 for every h.
		final double[][][] weightSum = new double[ns][nh][n];
		final double[][][] valueSum = new double[ns][nh][n];
		for (int s = 0; s < ns; s++)
			for (int k = 0; k < nh; k++) {
				Arrays.fill(weightSum[s][k], 1);
				for (int i = 0; i < n; i++) valueSum[s][k][i] = img[i];
			}

		final int maxRegion = (w + maxSearch) * (h + maxSearch);
		final double[] sq = new double[(w + maxSearch + 2 * p) * (h + maxSearch + 2 * p)];
		final double[] rowBox = new double[(w + maxSearch) * (h + maxSearch + 2 * p)];
		final double[] dist = new double[maxRegion];
		final double[] weight = new double[maxRegion];
		final double patchArea = (2 * p + 1) * (2 * p + 1);
		final boolean[] inSearch = new boolean[ns];

		for (int dy = 0; dy <= maxSearch; dy++) {
			for (int dx = -maxSearch; dx <= maxSearch; dx++) {
				if (dy == 0 && dx <= 0) continue; // the other half comes from symmetry
				final int reach = Math.max(Math.abs(dx), dy);
				for (int s = 0; s < ns; s++) inSearch[s] = reach <= searchRadii[s];

				// Region R of patch centres r with r or r + o inside the image, in image coordinates.
				final int ox = Math.min(0, -dx), oy = -dy;
				final int rw = w + Math.abs(dx), rh = h + dy;
				final int ew = rw + 2 * p, eh = rh + 2 * p;
				for (int j = 0; j < eh; j++) {
					final int a = (oy - p + j + margin) * pw + ox - p + margin;
					final int b = a + dy * pw + dx;
					for (int i = 0; i < ew; i++) {
						final double d = padded[a + i] - padded[b + i];
						sq[j * ew + i] = d * d;
					}
				}
				boxFilter(sq, ew, eh, p, rowBox, dist);

				for (int k = 0; k < nh; k++) {
					final double c = invH2[k];
					for (int i = 0; i < rw * rh; i++) {
						final double excess = Math.max(dist[i] / patchArea - twoSigma2, 0) * c;
						// exp(-40) is negligible next to the pixel's own weight 1: skip the exp.
						weight[i] = excess > 40 ? 0 : Math.exp(-excess);
					}
					for (int s = 0; s < ns; s++) {
						if (!inSearch[s]) continue;
						final double[] ws = weightSum[s][k], vs = valueSum[s][k];
						for (int y = 0; y < h; y++) {
							// Pixel r = (x, y) gains r + o ...
							final int forward = (y - oy) * rw - ox;
							final int shifted = (y + dy + margin) * pw + dx + margin;
							// ... and pixel r + o = (x, y) gains r.
							final int backward = (y - dy - oy) * rw - dx - ox;
							final int unshifted = (y - dy + margin) * pw - dx + margin;
							for (int x = 0; x < w; x++) {
								final double wf = weight[forward + x];
								final double wb = weight[backward + x];
								ws[y * w + x] += wf + wb;
								vs[y * w + x] += wf * padded[shifted + x] + wb * padded[unshifted + x];
							}
						}
					}
				}
			}
		}

		final float[][][] out = new float[ns][nh][n];
		for (int s = 0; s < ns; s++)
			for (int k = 0; k < nh; k++)
				for (int i = 0; i < n; i++)
					out[s][k][i] = (float) (valueSum[s][k][i] / weightSum[s][k][i]);
		return out;
	}

	/**
	 * Box sums of radius r of a w x h image into (w - 2r) x (h - 2r), by running sums so that the
	 * cost does not grow with the patch size.
	 */
	private static void boxFilter(final double[] src, final int w, final int h, final int r,
		final double[] rowBox, final double[] dst)
	{
		final int ow = w - 2 * r, oh = h - 2 * r, size = 2 * r + 1;
		for (int y = 0; y < h; y++) {
			final int in = y * w, out = y * ow;
			double s = 0;
			for (int i = 0; i < size; i++) s += src[in + i];
			rowBox[out] = s;
			for (int x = 1; x < ow; x++) {
				s += src[in + x + size - 1] - src[in + x - 1];
				rowBox[out + x] = s;
			}
		}
		for (int x = 0; x < ow; x++) dst[x] = 0;
		for (int k = 0; k < size; k++)
			for (int x = 0; x < ow; x++) dst[x] += rowBox[k * ow + x];
		for (int y = 1; y < oh; y++) {
			final int prev = (y - 1) * ow, entering = (y + size - 1) * ow, leaving = (y - 1) * ow;
			for (int x = 0; x < ow; x++)
				dst[y * ow + x] = dst[prev + x] + rowBox[entering + x] - rowBox[leaving + x];
		}
	}

	// ---------------------------------------------------------------------------------------------
	// Inpainting

	// The harmonic and biharmonic fills live in the restore layer (Fill.solveHarmonic and
	// Fill.solveBiharmonic), whose first guess of inpainting is the biharmonic one.

	// ---------------------------------------------------------------------------------------------
	// Super-resolution

	// ---------------------------------------------------------------------------------------------
	// Oracles: each method tuned on the ground truth, so the classical side gets its best shot.

	/**
	 * Best of Gaussian blur, median and NL-means over small parameter grids, by PSNR (range 1)
	 * against the truth. NL-means is left out when {@code noiseSigma} is not positive, since its
	 * filtering strength is defined relative to the noise.
	 */
	public static Best bestDenoise(final float[] noisy, final float[] truth, final int w,
		final int h, final double noiseSigma)
	{
		requireImage(noisy, w, h);
		requireImage(truth, w, h);
		Best best = null;
		for (final double sigma : DENOISE_GAUSSIAN_SIGMAS)
			best = better(best, "gaussian", format("sigma=%s", sigma), gaussian(noisy, w, h, sigma),
				truth);
		for (final int radius : DENOISE_MEDIAN_RADII)
			best = better(best, "median", format("radius=%s", radius), median(noisy, w, h, radius),
				truth);
		if (noiseSigma > 0) {
			for (final int patch : DENOISE_NLM_PATCH_RADII) {
				final float[][][] results = nonLocalMeans(noisy, w, h, noiseSigma,
					DENOISE_NLM_H_FACTORS, patch, DENOISE_NLM_SEARCH_RADII);
				for (int s = 0; s < DENOISE_NLM_SEARCH_RADII.length; s++)
					for (int k = 0; k < DENOISE_NLM_H_FACTORS.length; k++)
						best = better(best, "nl-means", format(
							"hFactor=%s, patchRadius=%s, searchRadius=%s, noiseSigma=%s",
							DENOISE_NLM_H_FACTORS[k], patch, DENOISE_NLM_SEARCH_RADII[s], noiseSigma),
							results[s][k], truth);
			}
		}
		return best;
	}

	/** Best of harmonic and biharmonic filling, judged by PSNR (range 1) inside the holes only. */
	public static Best bestInpaint(final float[] img, final boolean[] missing, final float[] truth,
		final int w, final int h)
	{
		requireImage(truth, w, h);
		final float[] harmonic = Fill.solveHarmonic(img, missing, w, h);
		final float[] biharmonic = Fill.solveBiharmonic(img, missing, w, h);
		final double ph = Metrics.psnr(harmonic, truth, 1, missing);
		final double pb = Metrics.psnr(biharmonic, truth, 1, missing);
		return pb > ph ? new Best("biharmonic", "", biharmonic, pb) : new Best("harmonic", "",
			harmonic, ph);
	}

	/** Bicubic upsampling (the only candidate), with its PSNR (range 1) over the whole image. */
	public static Best bestUpsample(final float[] lo, final float[] truth, final int w, final int h,
		final int factor)
	{
		final float[] up = Upsample.bicubic(lo, w, h, factor);
		return new Best("bicubic", format("factor=%s, a=%s", factor, Upsample.KEYS_A), up, Metrics.psnr(up,
			truth, 1));
	}

	private static Best better(final Best current, final String method, final String parameters,
		final float[] image, final float[] truth)
	{
		final double psnr = Metrics.psnr(image, truth, 1);
		// NaN never wins, and a first candidate always stands.
		if (current != null && !(psnr > current.psnr())) return current;
		return new Best(method, parameters, image, psnr);
	}

	// ---------------------------------------------------------------------------------------------
	// Helpers

	/** The k-th smallest of values[0 .. n) by quickselect; reorders values. */
	private static float select(final float[] values, final int k) {
		int lo = 0, hi = values.length - 1;
		while (lo < hi) {
			final float pivot = values[(lo + hi) >>> 1];
			int i = lo, j = hi;
			while (i <= j) {
				while (values[i] < pivot) i++;
				while (values[j] > pivot) j--;
				if (i <= j) {
					final float t = values[i];
					values[i++] = values[j];
					values[j--] = t;
				}
			}
			if (k <= j) hi = j;
			else if (k >= i) lo = i;
			else return values[k];
		}
		return values[k];
	}

	private static void requireImage(final float[] img, final int w, final int h) {
		if (w < 1 || h < 1) throw new IllegalArgumentException("Invalid image size " + w + " x " + h +
			".");
		if (img.length != (long) w * h) throw new IllegalArgumentException("The image has " +
			img.length + " pixels, not " + w + " x " + h + ".");
	}

	private static String format(final String pattern, final Object... args) {
		return String.format(Locale.ROOT, pattern, args);
	}
}
