package sc.fiji.diffusion.restore;

import java.util.List;

import sc.fiji.diffusion.engine.ModelRange;
import sc.fiji.diffusion.engine.Percentiles;

/**
 * Maps pixel values to the model's range [-1, 1] by {@link ModelRange}'s rule (the same as training's):
 * two percentiles computed once over a whole stack of planes, the lowest and highest value for a sparse
 * image. Missing pixels (NaN) are ignored.
 */
public record Normalization(double low, double high) {

	public static Normalization of(final List<float[]> planes) {
		final double[] r = ModelRange.of(planes);
		if (r == null) {
			final boolean none = Float.isInfinite(Percentiles.finiteRange(planes)[0]);
			throw new IllegalArgumentException(none ? "The image has no finite pixel value (all NaN or " +
				"infinite): " +
				"there is nothing to restore." : "The image is constant where it is known: there is " +
					"nothing to restore.");
		}
		return new Normalization(r[0], r[1]);
	}

	/** Scale from input units to model units. */
	public double scale() {
		return 2 / (high - low);
	}

	public float toModel(final float v) {
		return at(0).toModel(v);
	}

	public float fromModel(final float v) {
		return at(0).fromModel(v);
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
		return at(sigma).excess(v);
	}

	/** A pixel in model units as the network is given it: clipped as {@link #excess} says. */
	public float toNetwork(final float v, final double sigma) {
		return at(sigma).toNetwork(v);
	}

	/**
	 * This normalization at one noise level, its constants computed once: what the pixel loops of a
	 * restoration call per pixel (a plane of 512^2 mapped back in a fifth of the time the record's
	 * methods took, each of which divides anew).
	 */
	public Mapping at(final double sigma) {
		return new Mapping(low, scale(), sigma);
	}

	/** {@link Normalization}'s maps at one noise level (sigma in model units). */
	public static final class Mapping {

		private final double low, scale, sigma;

		private Mapping(final double low, final double scale, final double sigma) {
			this.low = low;
			this.scale = scale;
			this.sigma = sigma;
		}

		private double model(final float v) {
			return (v - low) * scale - 1;
		}

		public float toModel(final float v) {
			return (float) model(v);
		}

		public float fromModel(final float v) {
			return (float) ((v + 1) / scale + low);
		}

		/** {@link Normalization#toNetwork}. */
		public float toNetwork(final float v) {
			return (float) ModelRange.clip(model(v), sigma);
		}

		/** {@link Normalization#excess}. */
		public float excess(final float v) {
			final double m = model(v);
			return (float) m - (float) ModelRange.clip(m, sigma);
		}
	}
}
