package sc.fiji.diffusion.benchmark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

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

	/** Keys' cubic convolution parameter; -0.5 makes the interpolant third-order accurate. */
	private static final double KEYS_A = -0.5;

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
			for (int i = 0; i < line.length; i++) line[i] = img[y * w + mirror(i - radius, w)];
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
				final int src = mirror(y + k - radius, h) * w;
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
		for (int i = 0; i < cols.length; i++) cols[i] = mirror(i - radius, w);
		final int[] rowStarts = new int[size];
		final float[] window = new float[size * size];
		final float[] out = new float[w * h];
		for (int y = 0; y < h; y++) {
			for (int k = 0; k < size; k++) rowStarts[k] = mirror(y + k - radius, h) * w;
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
				padded[y * pw + x] = img[mirror(y - margin, h) * w + mirror(x - margin, w)];

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

	/**
	 * Fills the missing pixels with the solution of Laplace's equation, the known pixels serving as
	 * Dirichlet boundary condition (and a reflecting border where a hole touches the image edge).
	 * Known pixels are copied unchanged; values under the mask are ignored (they may be NaN).
	 *
	 * @throws IllegalArgumentException when no pixel is known
	 */
	public static float[] harmonicFill(final float[] img, final boolean[] missing, final int w,
		final int h)
	{
		return fill(img, missing, w, h, false);
	}

	/**
	 * Like {@link #harmonicFill} with the biharmonic equation (Laplacian of the Laplacian = 0 in the
	 * holes), which continues gradients across a hole instead of flattening it, and so reproduces
	 * linear and quadratic intensity profiles.
	 */
	public static float[] biharmonicFill(final float[] img, final boolean[] missing, final int w,
		final int h)
	{
		return fill(img, missing, w, h, true);
	}

	/**
	 * Solves K u = 0 (harmonic) or K^2 u = 0 (biharmonic) at the missing pixels, where K is the
	 * graph Laplacian of the 4-connected pixel grid. Both systems are the minimisers of a quadratic
	 * energy (sum of squared differences, sum of squared Laplacians), so the matrix restricted to
	 * the unknowns is symmetric positive definite and conjugate gradients apply. A multigrid
	 * V-cycle preconditioner makes the number of iterations nearly independent of the hole size;
	 * plain iterations would need thousands for a 30-pixel-wide biharmonic hole.
	 */
	private static float[] fill(final float[] img, final boolean[] missing, final int w, final int h,
		final boolean biharmonic)
	{
		requireImage(img, w, h);
		if (missing.length != img.length) throw new IllegalArgumentException("The mask has " +
			missing.length + " pixels, the image " + img.length + ".");
		final int[] unknown = new int[w * h];
		int n = 0;
		double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY, sum = 0;
		for (int i = 0; i < w * h; i++) {
			if (missing[i]) {
				unknown[i] = n++;
			}
			else {
				unknown[i] = -1;
				min = Math.min(min, img[i]);
				max = Math.max(max, img[i]);
				sum += img[i];
			}
		}
		final float[] out = img.clone();
		if (n == 0) return out;
		if (n == w * h) throw new IllegalArgumentException("Every pixel is missing: nothing to " +
			"fill the holes from.");
		final double mean = sum / (w * h - n);
		if (max == min) {
			for (int i = 0; i < w * h; i++) if (missing[i]) out[i] = (float) mean;
			return out;
		}

		final int[] xs = new int[n], ys = new int[n];
		for (int i = 0; i < w * h; i++) {
			if (unknown[i] < 0) continue;
			xs[unknown[i]] = i % w;
			ys[unknown[i]] = i / w;
		}
		// Rows of the operator restricted to the unknowns; known neighbours move to the right side.
		final int reach = biharmonic ? 2 : 1;
		final int side = 2 * reach + 1;
		final double[] stencil = new double[side * side];
		final Sparse.Builder builder = new Sparse.Builder(n, n);
		final double[] rhs = new double[n];
		for (int i = 0; i < n; i++) {
			final int x = xs[i], y = ys[i];
			operatorRow(x, y, w, h, biharmonic, stencil);
			for (int sy = 0; sy < side; sy++) {
				for (int sx = 0; sx < side; sx++) {
					final double c = stencil[sy * side + sx];
					if (c == 0) continue;
					final int pixel = (y + sy - reach) * w + x + sx - reach;
					if (unknown[pixel] >= 0) builder.add(unknown[pixel], c);
					else rhs[i] -= c * img[pixel];
				}
			}
			builder.endRow();
		}
		final Sparse a = builder.build();

		final double[] u = new double[n];
		Arrays.fill(u, mean);
		final Multigrid preconditioner = new Multigrid(a, xs, ys, w, h);
		conjugateGradients(a, rhs, u, preconditioner, 1e-6 * (max - min), 500);
		for (int i = 0; i < n; i++) out[ys[i] * w + xs[i]] = (float) u[i];
		return out;
	}

	/**
	 * Row of K (harmonic) or K^2 (biharmonic) for pixel (x, y), as a (2 reach + 1)^2 stencil
	 * centred on the pixel. K u (p) = sum over the 4-neighbours q inside the image of u(p) - u(q),
	 * so a hole at the border sees a reflecting (zero-flux) edge rather than invented values.
	 */
	private static void operatorRow(final int x, final int y, final int w, final int h,
		final boolean biharmonic, final double[] stencil)
	{
		Arrays.fill(stencil, 0);
		final int reach = biharmonic ? 2 : 1;
		final int side = 2 * reach + 1;
		if (!biharmonic) {
			addLaplacianRow(x, y, w, h, 1, reach, reach, side, stencil);
			return;
		}
		// (K^2)(p, .) = sum over q of K(p, q) K(q, .), q being p or one of its neighbours.
		addLaplacianRow(x, y, w, h, degree(x, y, w, h), reach, reach, side, stencil);
		final int[][] steps = { { 1, 0 }, { -1, 0 }, { 0, 1 }, { 0, -1 } };
		for (final int[] d : steps) {
			final int qx = x + d[0], qy = y + d[1];
			if (qx < 0 || qy < 0 || qx >= w || qy >= h) continue;
			addLaplacianRow(qx, qy, w, h, -1, reach + d[0], reach + d[1], side, stencil);
		}
	}

	/** Adds factor * (row of K at (x, y)) to the stencil, whose centre sits at (cx, cy). */
	private static void addLaplacianRow(final int x, final int y, final int w, final int h,
		final double factor, final int cx, final int cy, final int side, final double[] stencil)
	{
		stencil[cy * side + cx] += factor * degree(x, y, w, h);
		if (x > 0) stencil[cy * side + cx - 1] -= factor;
		if (x < w - 1) stencil[cy * side + cx + 1] -= factor;
		if (y > 0) stencil[(cy - 1) * side + cx] -= factor;
		if (y < h - 1) stencil[(cy + 1) * side + cx] -= factor;
	}

	private static int degree(final int x, final int y, final int w, final int h) {
		return (x > 0 ? 1 : 0) + (x < w - 1 ? 1 : 0) + (y > 0 ? 1 : 0) + (y < h - 1 ? 1 : 0);
	}

	/**
	 * Preconditioned conjugate gradients, in place on {@code x}; stops when no unknown moved by
	 * more than {@code tolerance} in an iteration, or after {@code maxIterations}.
	 */
	private static void conjugateGradients(final Sparse a, final double[] b, final double[] x,
		final Multigrid preconditioner, final double tolerance, final int maxIterations)
	{
		final int n = b.length;
		final double[] r = new double[n], z = new double[n], p = new double[n], ap = new double[n];
		a.multiply(x, ap);
		for (int i = 0; i < n; i++) r[i] = b[i] - ap[i];
		preconditioner.apply(r, z);
		System.arraycopy(z, 0, p, 0, n);
		double rz = dot(r, z);
		for (int iteration = 0; iteration < maxIterations && rz > 0; iteration++) {
			a.multiply(p, ap);
			final double alpha = rz / dot(p, ap);
			double change = 0;
			for (int i = 0; i < n; i++) {
				x[i] += alpha * p[i];
				r[i] -= alpha * ap[i];
				change = Math.max(change, Math.abs(alpha * p[i]));
			}
			if (change < tolerance) return;
			preconditioner.apply(r, z);
			final double rzNext = dot(r, z);
			final double beta = rzNext / rz;
			rz = rzNext;
			for (int i = 0; i < n; i++) p[i] = z[i] + beta * p[i];
		}
	}

	private static double dot(final double[] a, final double[] b) {
		double s = 0;
		for (int i = 0; i < a.length; i++) s += a[i] * b[i];
		return s;
	}

	/**
	 * Symmetric V-cycle over a hierarchy of grids, for masked problems of any shape. Coarse
	 * unknowns are the unknowns at even coordinates; bilinear interpolation P carries corrections
	 * to the finer grid (dropping coarse points that are known, i.e. fixed at zero correction) and
	 * the coarse operator is the Galerkin product P^T A P, so each level stays symmetric positive
	 * definite whatever the hole looks like. Thin structures without coarse points (1-pixel lines)
	 * are well conditioned and left to the smoother.
	 */
	private static final class Multigrid {

		private static final int DIRECT_SIZE = 300;
		private static final int SMOOTHING_SWEEPS = 2;
		private static final int COARSE_SWEEPS = 20;

		private final List<Sparse> operators = new ArrayList<>();
		private final List<Sparse> prolongations = new ArrayList<>();
		private final List<Sparse> restrictions = new ArrayList<>();
		/** Dense Cholesky factor of the coarsest operator, or null to smooth there instead. */
		private final double[] coarseFactor;

		Multigrid(final Sparse fine, final int[] fineX, final int[] fineY, final int w, final int h) {
			Sparse a = fine;
			int[] xs = fineX, ys = fineY;
			int gw = w, gh = h;
			operators.add(a);
			while (a.rows > DIRECT_SIZE && operators.size() < 16) {
				final int cw = (gw + 1) / 2, ch = (gh + 1) / 2;
				final int[] coarseIndex = new int[cw * ch];
				Arrays.fill(coarseIndex, -1);
				int nc = 0;
				for (int i = 0; i < xs.length; i++)
					if (xs[i] % 2 == 0 && ys[i] % 2 == 0) coarseIndex[ys[i] / 2 * cw + xs[i] / 2] = nc++;
				if (nc == 0) break;
				final int[] cxs = new int[nc], cys = new int[nc];
				for (int i = 0; i < xs.length; i++) {
					if (xs[i] % 2 != 0 || ys[i] % 2 != 0) continue;
					final int c = coarseIndex[ys[i] / 2 * cw + xs[i] / 2];
					cxs[c] = xs[i] / 2;
					cys[c] = ys[i] / 2;
				}
				final Sparse.Builder pb = new Sparse.Builder(xs.length, nc);
				for (int i = 0; i < xs.length; i++) {
					final int[] px = parents(xs[i], cw), py = parents(ys[i], ch);
					final double wx = 1.0 / px.length, wy = 1.0 / py.length;
					for (final int cy : py)
						for (final int cx : px) {
							final int c = coarseIndex[cy * cw + cx];
							if (c >= 0) pb.add(c, wx * wy);
						}
					pb.endRow();
				}
				final Sparse p = pb.build();
				final Sparse r = p.transpose();
				a = r.times(a.times(p));
				prolongations.add(p);
				restrictions.add(r);
				operators.add(a);
				xs = cxs;
				ys = cys;
				gw = cw;
				gh = ch;
			}
			final Sparse coarsest = operators.get(operators.size() - 1);
			coarseFactor = coarsest.rows <= 2 * DIRECT_SIZE ? coarsest.cholesky() : null;
		}

		/** Coarse coordinates that a fine coordinate interpolates from (one or two of them). */
		private static int[] parents(final int fine, final int coarseSize) {
			if (fine % 2 == 0) return new int[] { fine / 2 };
			final int right = (fine + 1) / 2;
			// Past the grid's end the reflecting border repeats the last coarse value.
			return right < coarseSize ? new int[] { fine / 2, right } : new int[] { fine / 2 };
		}

		void apply(final double[] r, final double[] z) {
			vcycle(0, r, z);
		}

		private void vcycle(final int level, final double[] r, final double[] z) {
			final Sparse a = operators.get(level);
			Arrays.fill(z, 0);
			if (level == operators.size() - 1) {
				if (coarseFactor != null) Sparse.choleskySolve(coarseFactor, a.rows, r, z);
				else for (int s = 0; s < COARSE_SWEEPS; s++) {
					a.gaussSeidel(r, z, true);
					a.gaussSeidel(r, z, false);
				}
				return;
			}
			for (int s = 0; s < SMOOTHING_SWEEPS; s++) a.gaussSeidel(r, z, true);
			final double[] residual = new double[a.rows];
			a.multiply(z, residual);
			for (int i = 0; i < residual.length; i++) residual[i] = r[i] - residual[i];
			final Sparse restriction = restrictions.get(level);
			final double[] coarseR = new double[restriction.rows];
			restriction.multiply(residual, coarseR);
			final double[] coarseZ = new double[restriction.rows];
			vcycle(level + 1, coarseR, coarseZ);
			prolongations.get(level).multiplyAdd(coarseZ, z);
			// Backward sweeps mirror the forward ones, so the preconditioner is symmetric.
			for (int s = 0; s < SMOOTHING_SWEEPS; s++) a.gaussSeidel(r, z, false);
		}
	}

	/** Compressed sparse rows, with just the operations the multigrid solver needs. */
	private static final class Sparse {

		final int rows, cols;
		final int[] start, index;
		final double[] value;
		private double[] diagonal;

		private Sparse(final int rows, final int cols, final int[] start, final int[] index,
			final double[] value)
		{
			this.rows = rows;
			this.cols = cols;
			this.start = start;
			this.index = index;
			this.value = value;
		}

		/** Row by row construction; entries of a row may come in any order but not repeat. */
		static final class Builder {

			private final int rows, cols;
			private final int[] start;
			private int[] index = new int[16];
			private double[] value = new double[16];
			private int size, row;

			Builder(final int rows, final int cols) {
				this.rows = rows;
				this.cols = cols;
				start = new int[rows + 1];
			}

			void add(final int col, final double v) {
				if (size == index.length) {
					index = Arrays.copyOf(index, 2 * size);
					value = Arrays.copyOf(value, 2 * size);
				}
				index[size] = col;
				value[size++] = v;
			}

			void endRow() {
				start[++row] = size;
			}

			Sparse build() {
				return new Sparse(rows, cols, start, Arrays.copyOf(index, size), Arrays.copyOf(value,
					size));
			}
		}

		void multiply(final double[] x, final double[] y) {
			for (int i = 0; i < rows; i++) {
				double s = 0;
				for (int e = start[i]; e < start[i + 1]; e++) s += value[e] * x[index[e]];
				y[i] = s;
			}
		}

		void multiplyAdd(final double[] x, final double[] y) {
			for (int i = 0; i < rows; i++)
				for (int e = start[i]; e < start[i + 1]; e++) y[i] += value[e] * x[index[e]];
		}

		/** One Gauss-Seidel sweep on this z = r, forward or backward. */
		void gaussSeidel(final double[] r, final double[] z, final boolean forward) {
			if (diagonal == null) {
				diagonal = new double[rows];
				for (int i = 0; i < rows; i++)
					for (int e = start[i]; e < start[i + 1]; e++) if (index[e] == i) diagonal[i] = value[e];
			}
			for (int k = 0; k < rows; k++) {
				final int i = forward ? k : rows - 1 - k;
				double s = r[i];
				for (int e = start[i]; e < start[i + 1]; e++) s -= value[e] * z[index[e]];
				z[i] += s / diagonal[i];
			}
		}

		Sparse transpose() {
			final int[] count = new int[cols + 1];
			for (int e = 0; e < start[rows]; e++) count[index[e] + 1]++;
			for (int c = 0; c < cols; c++) count[c + 1] += count[c];
			final int[] tStart = count.clone();
			final int[] tIndex = new int[start[rows]];
			final double[] tValue = new double[start[rows]];
			for (int i = 0; i < rows; i++)
				for (int e = start[i]; e < start[i + 1]; e++) {
					final int slot = count[index[e]]++;
					tIndex[slot] = i;
					tValue[slot] = value[e];
				}
			return new Sparse(cols, rows, tStart, tIndex, tValue);
		}

		/** Product this * other, accumulating each row in a dense scratch row (Gustavson). */
		Sparse times(final Sparse other) {
			final Builder out = new Builder(rows, other.cols);
			final double[] acc = new double[other.cols];
			final int[] mark = new int[other.cols];
			Arrays.fill(mark, -1);
			final int[] touched = new int[other.cols];
			for (int i = 0; i < rows; i++) {
				int count = 0;
				for (int e = start[i]; e < start[i + 1]; e++) {
					final int k = index[e];
					final double v = value[e];
					for (int f = other.start[k]; f < other.start[k + 1]; f++) {
						final int j = other.index[f];
						if (mark[j] != i) {
							mark[j] = i;
							acc[j] = 0;
							touched[count++] = j;
						}
						acc[j] += v * other.value[f];
					}
				}
				for (int t = 0; t < count; t++) out.add(touched[t], acc[touched[t]]);
				out.endRow();
			}
			return out.build();
		}

		/** Dense lower Cholesky factor, row-major n x n. */
		double[] cholesky() {
			final int n = rows;
			final double[] l = new double[n * n];
			for (int i = 0; i < n; i++)
				for (int e = start[i]; e < start[i + 1]; e++) l[i * n + index[e]] = value[e];
			for (int j = 0; j < n; j++) {
				double d = l[j * n + j];
				for (int k = 0; k < j; k++) d -= l[j * n + k] * l[j * n + k];
				d = Math.sqrt(Math.max(d, 1e-300));
				l[j * n + j] = d;
				for (int i = j + 1; i < n; i++) {
					double s = l[i * n + j];
					for (int k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
					l[i * n + j] = s / d;
				}
			}
			return l;
		}

		static void choleskySolve(final double[] l, final int n, final double[] b, final double[] x) {
			for (int i = 0; i < n; i++) {
				double s = b[i];
				for (int k = 0; k < i; k++) s -= l[i * n + k] * x[k];
				x[i] = s / l[i * n + i];
			}
			for (int i = n - 1; i >= 0; i--) {
				double s = x[i];
				for (int k = i + 1; k < n; k++) s -= l[k * n + i] * x[k];
				x[i] = s / l[i * n + i];
			}
		}
	}

	// ---------------------------------------------------------------------------------------------
	// Super-resolution

	/**
	 * Upsamples by {@code factor} with Keys' cubic convolution (a = -0.5), for a low-resolution image
	 * made by block-mean binning. A low-resolution pixel (X, Y) is the mean of a factor x factor
	 * block, so it sits at the block's centre, high-resolution coordinate
	 * {@code (factor X + (factor - 1) / 2, factor Y + (factor - 1) / 2)}: aligning the grids there
	 * avoids the half-pixel shift of corner-aligned resampling. Borders are mirrored.
	 *
	 * @param w width of {@code lo}
	 * @param h height of {@code lo}
	 * @return an image of (w factor) x (h factor) pixels
	 */
	public static float[] bicubicUpsample(final float[] lo, final int w, final int h,
		final int factor)
	{
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

		final double[] wide = new double[bw * h];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < bw; x++) {
				double s = 0;
				for (int k = 0; k < 4; k++) s += colWeights[x][k] * lo[y * w + colTaps[x][k]];
				wide[y * bw + x] = s;
			}
		final float[] out = new float[bw * bh];
		for (int y = 0; y < bh; y++)
			for (int x = 0; x < bw; x++) {
				double s = 0;
				for (int k = 0; k < 4; k++) s += rowWeights[y][k] * wide[rowTaps[y][k] * bw + x];
				out[y * bw + x] = (float) s;
			}
		return out;
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
		final float[] harmonic = harmonicFill(img, missing, w, h);
		final float[] biharmonic = biharmonicFill(img, missing, w, h);
		final double ph = Metrics.psnr(harmonic, truth, 1, missing);
		final double pb = Metrics.psnr(biharmonic, truth, 1, missing);
		return pb > ph ? new Best("biharmonic", "", biharmonic, pb) : new Best("harmonic", "",
			harmonic, ph);
	}

	/** Bicubic upsampling (the only candidate), with its PSNR (range 1) over the whole image. */
	public static Best bestUpsample(final float[] lo, final float[] truth, final int w, final int h,
		final int factor)
	{
		final float[] up = bicubicUpsample(lo, w, h, factor);
		return new Best("bicubic", format("factor=%s, a=%s", factor, KEYS_A), up, Metrics.psnr(up,
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

	/** Index reflected into [0, n) with the edge repeated; works for any distance outside. */
	private static int mirror(final int i, final int n) {
		if (n == 1) return 0;
		final int period = 2 * n;
		int j = i % period;
		if (j < 0) j += period;
		return j < n ? j : period - 1 - j;
	}

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
