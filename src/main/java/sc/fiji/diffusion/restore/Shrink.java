package sc.fiji.diffusion.restore;

/**
 * The mean of K posterior samples, shrunk hole by hole toward the first guess by the share of its
 * distance from the guess that the samples' own spread explains: {@code f + max(0, 1 - V / D) (m -
 * f)}, with V the summed variance of the mean over the hole ({@code std^2 / K} per pixel) and D the
 * squared distance of the mean from the guess there. A hole whose samples disagree as much as the mean
 * departs from the guess (a smooth object's interior, where the prior draws texture that the mean of
 * a few samples keeps some of) comes back near the guess; a hole whose samples agree on structure the
 * guess lacks keeps the mean. The positive-part James-Stein rule toward a fixed point, which lowers
 * the expected squared error of a Monte Carlo mean; the guess is the biharmonic fill.
 */
final class Shrink {

	private Shrink() {}

	/** Holes smaller than this keep the mean: too few pixels for the two sums. */
	static final int MIN_PIXELS = 8;

	/** The share c of the rule taken, {@code max(0, 1 - c V / D)}: 1 is the plug-in optimum. */
	static final double STRENGTH = 1;

	/**
	 * Shrinks {@code mean} in place over each 4-connected hole of one plane.
	 *
	 * @param mean, std, guess planes of w x h from {@code offset} (the same units)
	 * @param hole true where the pixel was missing, w x h
	 * @param samples K, the samples the mean and std come from (at least 2)
	 */
	static void towardGuess(final float[] mean, final float[] std, final float[] guess, final int offset,
		final boolean[] hole, final int w, final int h, final int samples)
	{
		towardGuess(mean, std, guess, offset, hole, w, h, samples, STRENGTH);
	}

	/** The same with another strength c (to measure). */
	static void towardGuess(final float[] mean, final float[] std, final float[] guess, final int offset,
		final boolean[] hole, final int w, final int h, final int samples, final double strength)
	{
		for (final int[] members : Fill.holes(hole, w, h)) {
			final int size = members.length;
			if (size < MIN_PIXELS) continue;
			double v = 0, d = 0;
			for (int i = 0; i < size; i++) {
				final int q = offset + members[i];
				v += (double) std[q] * std[q] / samples;
				final double e = mean[q] - guess[q];
				d += e * e;
			}
			if (!(d > 0)) continue;
			final double factor = Math.max(0, 1 - strength * v / d);
			for (int i = 0; i < size; i++) {
				final int q = offset + members[i];
				mean[q] = (float) (guess[q] + factor * (mean[q] - guess[q]));
			}
		}
	}
}
