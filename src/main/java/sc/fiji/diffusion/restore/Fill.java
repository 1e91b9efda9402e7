package sc.fiji.diffusion.restore;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Missing pixels filled smoothly from their surroundings, the one place of it: the harmonic and
 * biharmonic fills solved exactly ({@link #solveHarmonic}, {@link #solveBiharmonic}: conjugate
 * gradients with a multigrid preconditioner; the benchmark's classical inpainting), the inverse
 * problems' first guess ({@link #firstGuess}) and a bounded-work harmonic fill for the pixels a
 * denoising cannot see ({@link #harmonic}).
 */
public final class Fill {

	/**
	 * Most missing pixels the first guess solves biharmonically (about 600 MB of solver for a million);
	 * beyond, it takes the bounded-work harmonic fill.
	 */
	static final int BIHARMONIC_MAX_UNKNOWNS = 1 << 20;

	/**
	 * Where the inverse problems start when they start below the top of the noise schedule: the
	 * biharmonic fill, which continues the surroundings' gradients into a hole; its low frequencies
	 * carry the surroundings in, the sampler then draws the detail. Measured on the H200 with
	 * ddpm-fluo-large (docs/defaults.md, run 28), the mean of 4 samples of 50 steps from level 0.5:
	 * median PSNR in the holes of the 25 hard cases 21.56 dB from the biharmonic fill against 18.29
	 * from the harmonic one (worst gain over the classical fill -3.20 against -13.28 dB), 34.04 against
	 * 29.66 on the quality benchmark's 8 images. Planes with more than
	 * {@link #BIHARMONIC_MAX_UNKNOWNS} missing pixels get {@link #harmonic}.
	 *
	 * @param plane row-major, NaN (or infinite) where missing
	 * @return a copy with every missing pixel filled; all zeros when nothing is known
	 */
	static float[] firstGuess(final float[] plane, final int w, final int h) {
		final boolean[] missing = isMissing(plane);
		int unknown = 0;
		for (final boolean m : missing) if (m) unknown++;
		if (unknown == 0) return plane.clone();
		if (unknown == plane.length || unknown > BIHARMONIC_MAX_UNKNOWNS) return harmonic(plane, w, h);
		return solveBiharmonic(plane, missing, w, h);
	}

	/**
	 * The holes of a mask: its 4-connected components of missing pixels, each as the indices of its
	 * pixels (row-major, in the order a flood fill from the hole's first pixel reaches them), the holes
	 * in the order of their first pixels.
	 */
	public static List<int[]> holes(final boolean[] missing, final int w, final int h) {
		final boolean[] seen = new boolean[w * h];
		final int[] members = new int[w * h];
		final List<int[]> holes = new ArrayList<>();
		for (int start = 0; start < w * h; start++) {
			if (!missing[start] || seen[start]) continue;
			// members doubles as the flood fill's queue.
			int size = 0, read = 0;
			members[size++] = start;
			seen[start] = true;
			while (read < size) {
				final int q = members[read++], x = q % w, y = q / w;
				if (x > 0) size = visit(q - 1, missing, seen, members, size);
				if (x < w - 1) size = visit(q + 1, missing, seen, members, size);
				if (y > 0) size = visit(q - w, missing, seen, members, size);
				if (y < h - 1) size = visit(q + w, missing, seen, members, size);
			}
			holes.add(Arrays.copyOf(members, size));
		}
		return holes;
	}

	private static int visit(final int q, final boolean[] missing, final boolean[] seen,
		final int[] members, int size)
	{
		if (missing[q] && !seen[q]) {
			seen[q] = true;
			members[size++] = q;
		}
		return size;
	}

	/**
	 * Fills the missing pixels with the solution of Laplace's equation, the known pixels serving as
	 * Dirichlet boundary condition (and a reflecting border where a hole touches the image edge).
	 * Known pixels are copied unchanged; values under the mask are ignored (they may be NaN).
	 *
	 * @throws IllegalArgumentException when no pixel is known
	 */
	public static float[] solveHarmonic(final float[] img, final boolean[] missing, final int w,
		final int h)
	{
		return solve(img, missing, w, h, false);
	}

	/**
	 * Like {@link #solveHarmonic} with the biharmonic equation (Laplacian of the Laplacian = 0 in the
	 * holes), which continues gradients across a hole instead of flattening it, and so reproduces
	 * linear and quadratic intensity profiles.
	 */
	public static float[] solveBiharmonic(final float[] img, final boolean[] missing, final int w,
		final int h)
	{
		return solve(img, missing, w, h, true);
	}

	/** Sweeps of the refinement; the pyramid start is already close for holes of any size. */
	static final int SWEEPS = 60;
	private static final double OVER_RELAXATION = 1.8;

	private Fill() {}

	/**
	 * The harmonic fill in bounded work (each missing pixel the mean of its four neighbours, known
	 * pixels fixed, mirror edges), started from a push-pull pyramid fill and refined by over-relaxed
	 * Gauss-Seidel sweeps over the missing pixels only: what a denoising's network sees where pixels
	 * are missing (they come back missing), and the first guess of planes with very many holes.
	 *
	 * @param plane row-major, NaN (or infinite) where missing
	 * @return a copy with every missing pixel filled; all zeros when nothing is known
	 */
	static float[] harmonic(final float[] plane, final int w, final int h) {
		final boolean[] missing = new boolean[plane.length];
		int known = 0;
		for (int i = 0; i < plane.length; i++) {
			missing[i] = !Float.isFinite(plane[i]);
			if (!missing[i]) known++;
		}
		final float[] out = new float[plane.length];
		if (known == 0) return out;
		final float[] start = pushPull(plane, missing, w, h);
		System.arraycopy(start, 0, out, 0, out.length);
		if (known == plane.length) return out;
		for (int sweep = 0; sweep < SWEEPS; sweep++) {
			for (int y = 0; y < h; y++) {
				for (int x = 0; x < w; x++) {
					final int i = y * w + x;
					if (!missing[i]) continue;
					double sum = 0;
					int n = 0;
					if (x > 0) { sum += out[i - 1]; n++; }
					if (x + 1 < w) { sum += out[i + 1]; n++; }
					if (y > 0) { sum += out[i - w]; n++; }
					if (y + 1 < h) { sum += out[i + w]; n++; }
					out[i] += (float) (OVER_RELAXATION * (sum / n - out[i]));
				}
			}
		}
		return out;
	}

	/**
	 * Push-pull: averages of the known pixels over 2 x 2 blocks up a pyramid until every block holds
	 * one, then down again, each missing pixel taking the bilinear value of the coarser level.
	 */
	private static float[] pushPull(final float[] plane, final boolean[] missing, final int w,
		final int h)
	{
		final double[] value = new double[plane.length], weight = new double[plane.length];
		boolean complete = true;
		for (int i = 0; i < plane.length; i++) {
			if (missing[i]) complete = false;
			else {
				value[i] = plane[i];
				weight[i] = 1;
			}
		}
		final float[] out = new float[plane.length];
		if (complete) {
			for (int i = 0; i < out.length; i++) out[i] = plane[i];
			return out;
		}
		final int cw = (w + 1) / 2, ch = (h + 1) / 2;
		final double[] cv = new double[cw * ch], cwt = new double[cw * ch];
		for (int y = 0; y < h; y++) {
			for (int x = 0; x < w; x++) {
				final int c = (y / 2) * cw + x / 2;
				cv[c] += value[y * w + x];
				cwt[c] += weight[y * w + x];
			}
		}
		final float[] coarse = new float[cw * ch];
		for (int c = 0; c < coarse.length; c++) coarse[c] = cwt[c] > 0 ? (float) (cv[c] / cwt[c]) : Float.NaN;
		// The coarser level is filled the same way (it is smaller, so this ends).
		final float[] filled = w == 1 && h == 1 ? coarse : pushPull(coarse, isMissing(coarse), cw, ch);
		for (int y = 0; y < h; y++) {
			for (int x = 0; x < w; x++) {
				final int i = y * w + x;
				if (!missing[i]) {
					out[i] = plane[i];
					continue;
				}
				// Bilinear from the coarse grid, whose samples sit at the centres of 2 x 2 blocks.
				final double fx = Math.min(Math.max((x - 0.5) / 2, 0), cw - 1), fy = Math.min(Math.max((y - 0.5) /
					2, 0), ch - 1);
				final int x0 = (int) fx, y0 = (int) fy, x1 = Math.min(x0 + 1, cw - 1), y1 = Math.min(y0 + 1, ch - 1);
				final double ax = fx - x0, ay = fy - y0;
				out[i] = (float) ((1 - ay) * ((1 - ax) * filled[y0 * cw + x0] + ax * filled[y0 * cw + x1]) + ay *
					((1 - ax) * filled[y1 * cw + x0] + ax * filled[y1 * cw + x1]));
			}
		}
		return out;
	}

	private static boolean[] isMissing(final float[] plane) {
		final boolean[] m = new boolean[plane.length];
		for (int i = 0; i < m.length; i++) m[i] = !Float.isFinite(plane[i]);
		return m;
	}
	/**
	 * Solves K u = 0 (harmonic) or K^2 u = 0 (biharmonic) at the missing pixels, where K is the
	 * graph Laplacian of the 4-connected pixel grid. Both systems are the minimisers of a quadratic
	 * energy (sum of squared differences, sum of squared Laplacians), so the matrix restricted to
	 * the unknowns is symmetric positive definite and conjugate gradients apply. A multigrid
	 * V-cycle preconditioner makes the number of iterations nearly independent of the hole size;
	 * plain iterations would need thousands for a 30-pixel-wide biharmonic hole.
	 */
	private static float[] solve(final float[] img, final boolean[] missing, final int w, final int h,
		final boolean biharmonic)
	{
		if (w < 1 || h < 1 || img.length != w * h) throw new IllegalArgumentException("The image has " +
			img.length + " pixels, not " + w + " x " + h + ".");
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
}
