package sc.fiji.diffusion.engine;

import java.util.List;

/**
 * How pixel values map to the model's units, one rule for training and restoration: the 1st and
 * 99.8th percentiles of an image (all planes of a stack together, never per tile or slice) go to -1
 * and 1, or its lowest and highest values when those percentiles coincide (a sparse image: a few bright
 * spots on an even background). Missing pixels (NaN) are ignored.
 */
public final class ModelRange {

	public static final double LOW_PERCENT = 1, HIGH_PERCENT = 99.8;
	/**
	 * The network is given model units clipped to [FLOOR, CEILING] (widened by the noise when
	 * restoring): a whole percentile range beyond either end, so one hot pixel cannot set the
	 * statistics of its neighbourhood.
	 */
	public static final double FLOOR = -2, CEILING = 3;
	/** Percentiles from at most this many values, evenly strided: exact enough, bounded time. */
	private static final int MAX_VALUES = 1 << 22;

	private ModelRange() {}

	/**
	 * A value in model units as the network is given it: mapped by the range from {@link #of}, and
	 * clipped to [FLOOR - 4 sigma, CEILING + 4 sigma] (sigma the noise in model units, 0 for clean
	 * images, so that noise is never clipped).
	 */
	public static float toNetwork(final float v, final double low, final double high,
		final double sigma)
	{
		return (float) clip((v - low) * (2 / (high - low)) - 1, sigma);
	}

	/** A value in model units clipped to [FLOOR - 4 sigma, CEILING + 4 sigma], as {@link #toNetwork}. */
	public static double clip(final double model, final double sigma) {
		return Math.max(FLOOR - 4 * sigma, Math.min(CEILING + 4 * sigma, model));
	}

	/**
	 * @return the values that map to -1 and 1, or null when the planes hold no two different finite
	 *         values
	 */
	public static double[] of(final List<float[]> planes) {
		final float[] range = Percentiles.finiteRange(planes);
		if (!(range[1] > range[0])) return null;
		final double[] q = Percentiles.ofStrided(planes, MAX_VALUES, LOW_PERCENT, HIGH_PERCENT);
		if (q[1] > q[0]) return q;
		return new double[] { range[0], range[1] };
	}
}
