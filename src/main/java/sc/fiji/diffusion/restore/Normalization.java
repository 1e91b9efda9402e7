package sc.fiji.diffusion.restore;

import java.util.List;

import sc.fiji.diffusion.engine.Percentiles;

/**
 * Maps pixel values to the model's range [-1, 1] by two percentiles (1 and 99.8) computed once over a
 * whole stack of planes, never per tile or per slice (which would make a stack flicker); by the
 * lowest and highest value when those percentiles coincide (a sparse image). Missing pixels (NaN)
 * are ignored.
 */
public record Normalization(double low, double high) {

	public static final double LOW_PERCENT = 1, HIGH_PERCENT = 99.8;
	/** Percentiles from at most this many values, evenly strided: exact enough, bounded time. */
	private static final int MAX_VALUES = 1 << 22;

	public static Normalization of(final List<float[]> planes) {
		final double[] q = Percentiles.ofStrided(planes, MAX_VALUES, LOW_PERCENT, HIGH_PERCENT);
		if (q[1] > q[0]) return new Normalization(q[0], q[1]);
		// Sparse images (a few bright spots on an even background, fewer than 0.2% of the pixels):
		// the range of the values themselves.
		final float[] range = Percentiles.finiteRange(planes);
		final float lo = range[0], hi = range[1];
		if (!(hi > lo)) {
			throw new IllegalArgumentException("The image is constant where it is known: there is nothing " +
				"to restore.");
		}
		return new Normalization(lo, hi);
	}

	/** Scale from input units to model units. */
	public double scale() {
		return 2 / (high - low);
	}

	public float toModel(final float v) {
		return (float) ((v - low) * scale() - 1);
	}

	public float fromModel(final float v) {
		return (float) ((v + 1) / scale() + low);
	}

	/**
	 * The part of a pixel beyond what the network is given, in model units (0 for nearly every
	 * pixel): the network was trained on [-1, 1] and one hot pixel far above the 99.8th percentile
	 * would otherwise set the normalization statistics of its whole window. Inputs are clipped to
	 * [-2 - 4 sigma, 3 + 4 sigma] (sigma the noise in model units, so noise is never clipped) and the
	 * excess is added back to the result, so nothing is lost; such a pixel keeps the noise of its
	 * excess (only pixels more than the image's whole range, 1st to 99.8th percentile, above the 99.8th).
	 */
	public float excess(final float v, final double sigma) {
		return toModel(v) - toNetwork(v, sigma);
	}

	/** A pixel in model units as the network is given it: clipped as {@link #excess} says. */
	public float toNetwork(final float v, final double sigma) {
		return (float) Math.max(-2 - 4 * sigma, Math.min(3 + 4 * sigma, toModel(v)));
	}
}
