package sc.fiji.diffusion.restore;

/**
 * Smooth upsampling of block-mean binned images, the one place of it: Keys' bicubic interpolation
 * ({@link #bicubic}; the benchmark's classical super-resolution), camera binning on the host
 * ({@link #bin}) and super-resolution's first guess ({@link #firstGuess}), the bicubic image made
 * consistent with the measured blocks.
 * <p>
 * Images are row-major {@code float[]} (index {@code y * w + x}); no method modifies its input.
 * Beyond the border the image is mirrored with the edge pixel repeated ({@code c b a | a b c | c b a}).
 */
public final class Upsample {

	/** Keys' cubic convolution parameter; -0.5 makes the interpolant third-order accurate. */
	public static final double KEYS_A = -0.5;

	/**
	 * Back-projection rounds of {@link #firstGuess}: each takes the bicubic interpolation of what the
	 * binned guess still misses; the residual then shrinks by about a tenth per round at the coarsest
	 * detail, by far more at the finer.
	 */
	static final int BACK_PROJECTIONS = 8;

	private Upsample() {}

	/**
	 * Upsamples by {@code factor} with Keys' cubic convolution (a = -0.5), for a low-resolution image
	 * made by block-mean binning. A low-resolution pixel (X, Y) is the mean of a factor x factor
	 * block, so it sits at the block's centre, high-resolution coordinate
	 * {@code (factor X + (factor - 1) / 2, factor Y + (factor - 1) / 2)}: aligning the grids there
	 * avoids the half-pixel shift of corner-aligned resampling.
	 *
	 * @param w width of {@code lo}
	 * @param h height of {@code lo}
	 * @return an image of (w factor) x (h factor) pixels
	 */
	public static float[] bicubic(final float[] lo, final int w, final int h, final int factor) {
		requireImage(lo, w, h);
		if (factor < 1) throw new IllegalArgumentException("The factor must be at least 1, not " +
			factor + ".");
		if (factor == 1) return lo.clone();
		final int bw = w * factor, bh = h * factor;
		final int[][] colTaps = new int[bw][];
		final double[][] colWeights = new double[bw][];
		cubicTaps(w, factor, colTaps, colWeights);
		final int[][] rowTaps = new int[bh][];
		final double[][] rowWeights = new double[bh][];
		cubicTaps(h, factor, rowTaps, rowWeights);

		// Rows on all cores (a plane of super-resolution's guess takes nine of these).
		final double[] wide = new double[bw * h];
		java.util.stream.IntStream.range(0, h).parallel().forEach(y -> {
			for (int x = 0; x < bw; x++) {
				double s = 0;
				for (int k = 0; k < 4; k++) s += colWeights[x][k] * lo[y * w + colTaps[x][k]];
				wide[y * bw + x] = s;
			}
		});
		final float[] out = new float[bw * bh];
		java.util.stream.IntStream.range(0, bh).parallel().forEach(y -> {
			for (int x = 0; x < bw; x++) {
				double s = 0;
				for (int k = 0; k < 4; k++) s += rowWeights[y][k] * wide[rowTaps[y][k] * bw + x];
				out[y * bw + x] = (float) s;
			}
		});
		return out;
	}

	/**
	 * Camera binning: the mean of each factor x factor block of a (w factor) x (h factor) image.
	 *
	 * @param w width of the result
	 * @param h height of the result
	 */
	public static float[] bin(final float[] img, final int w, final int h, final int factor) {
		requireImage(img, w * factor, h * factor);
		final int bw = w * factor;
		final float[] lo = new float[w * h];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				double sum = 0;
				for (int dy = 0; dy < factor; dy++)
					for (int dx = 0; dx < factor; dx++) sum += img[(y * factor + dy) * bw + x * factor + dx];
				lo[y * w + x] = (float) (sum / (factor * factor));
			}
		return lo;
	}

	/**
	 * Where super-resolution starts when it starts below the top of the noise schedule: the bicubic
	 * interpolation, corrected by {@link #BACK_PROJECTIONS} rounds of back-projection (Irani and
	 * Peleg: add the bicubic interpolation of the blocks' residual), then made exact by spreading
	 * what is left over each block, so that binning the guess gives back the measurement. A smooth
	 * guess instead of each measured pixel spread over its block: the blocks' edges are detail the
	 * sampler would have to wash out.
	 *
	 * @param lo the measurement, finite
	 * @param w width of {@code lo}
	 * @param h height of {@code lo}
	 */
	public static float[] firstGuess(final float[] lo, final int w, final int h, final int factor) {
		final float[] x = bicubic(lo, w, h, factor);
		for (int round = 0; round < BACK_PROJECTIONS; round++) {
			final float[] up = bicubic(residual(lo, x, w, h, factor), w, h, factor);
			for (int i = 0; i < x.length; i++) x[i] += up[i];
		}
		final float[] r = residual(lo, x, w, h, factor);
		final int bw = w * factor;
		for (int i = 0; i < x.length; i++) x[i] += r[(i / bw / factor) * w + (i % bw) / factor];
		return x;
	}

	/** The measurement minus the binned image. */
	private static float[] residual(final float[] lo, final float[] x, final int w, final int h,
		final int factor)
	{
		final float[] r = bin(x, w, h, factor);
		for (int i = 0; i < r.length; i++) r[i] = lo[i] - r[i];
		return r;
	}

	/** The four low-resolution samples and weights for each high-resolution coordinate. */
	private static void cubicTaps(final int n, final int factor, final int[][] taps,
		final double[][] weights)
	{
		for (int x = 0; x < taps.length; x++) {
			final double pos = (x - (factor - 1) / 2.0) / factor;
			final int base = (int) Math.floor(pos);
			final double t = pos - base;
			taps[x] = new int[4];
			weights[x] = new double[4];
			for (int k = 0; k < 4; k++) {
				taps[x][k] = mirror(base - 1 + k, n);
				weights[x][k] = keys(t + 1 - k);
			}
		}
	}

	private static double keys(final double t) {
		final double s = Math.abs(t);
		if (s <= 1) return ((KEYS_A + 2) * s - (KEYS_A + 3)) * s * s + 1;
		if (s < 2) return ((KEYS_A * s - 5 * KEYS_A) * s + 8 * KEYS_A) * s - 4 * KEYS_A;
		return 0;
	}

	/** Index reflected into [0, n) with the edge repeated; works for any distance outside. */
	public static int mirror(final int i, final int n) {
		if (n == 1) return 0;
		final int period = 2 * n;
		int j = i % period;
		if (j < 0) j += period;
		return j < n ? j : period - 1 - j;
	}

	private static void requireImage(final float[] img, final int w, final int h) {
		if (w < 1 || h < 1) throw new IllegalArgumentException("Invalid image size " + w + " x " + h +
			".");
		if (img.length != (long) w * h) throw new IllegalArgumentException("The image has " +
			img.length + " pixels, not " + w + " x " + h + ".");
	}
}
