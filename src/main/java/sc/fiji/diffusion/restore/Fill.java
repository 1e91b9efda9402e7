package sc.fiji.diffusion.restore;

/**
 * A smooth first guess for missing pixels: the harmonic fill (each missing pixel the mean of its
 * four neighbours, known pixels fixed, mirror edges), started from a push-pull pyramid fill and
 * refined by over-relaxed Gauss-Seidel sweeps over the missing pixels only. It is where the
 * inverse problems start from when they start below the top of the noise schedule: its low
 * frequencies carry the surroundings into a hole, the sampler then draws the detail.
 */
final class Fill {

	/** Sweeps of the refinement; the pyramid start is already close for holes of any size. */
	static final int SWEEPS = 60;
	private static final double OVER_RELAXATION = 1.8;

	private Fill() {}

	/**
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
}
