package sc.fiji.diffusion.restore;

import java.util.Locale;

/**
 * What corrupts the measured image: {@code gaussian:SIGMA} (in the image's units),
 * {@code poisson-gaussian:GAIN,OFFSET,READ} (camera ADU: gain in ADU per electron, offset and read
 * noise in ADU), or {@code auto} (estimated from the image and reported: Poisson-Gaussian when the
 * noise clearly grows with intensity, else Gaussian).
 */
public sealed interface NoiseModel {

	String SPECS = "auto, gaussian:SIGMA, poisson-gaussian:GAIN,OFFSET,READ, none";

	/** This model, or for {@code auto} the one estimated from the planes (see {@link NoiseEstimate#model}). */
	default NoiseModel resolve(final java.util.List<float[]> planes, final int width, final int height) {
		return this instanceof Auto ? NoiseEstimate.model(planes, width, height) : this;
	}

	/**
	 * The planes where the prior works on them: camera noise through the Anscombe transform (unit
	 * noise), Gaussian noise as they are. Only for a resolved model.
	 */
	default java.util.List<float[]> domain(final java.util.List<float[]> planes) {
		if (this instanceof PoissonGaussian pg) return pg.forward(planes);
		if (this instanceof Gaussian) return planes;
		throw new IllegalStateException("Resolve the noise model first.");
	}

	/** The noise level in {@link #domain}'s units: 1 for camera noise, else the Gaussian sigma. */
	default double domainSigma() {
		if (this instanceof PoissonGaussian) return 1;
		if (this instanceof Gaussian g) return g.sigma();
		throw new IllegalStateException("Resolve the noise model first.");
	}

	/** Estimate the noise from the image (see {@link NoiseEstimate#model}). */
	record Auto() implements NoiseModel {

		@Override
		public String toString() {
			return "auto";
		}
	}

	/** Additive Gaussian noise of a known standard deviation, in the image's units. */
	record Gaussian(double sigma) implements NoiseModel {

		public Gaussian {
			if (!(sigma >= 0) || !Double.isFinite(sigma)) {
				throw new IllegalArgumentException("Gaussian noise sigma must be zero or positive, got " +
					sigma + ".");
			}
		}

		@Override
		public String toString() {
			return "gaussian:" + sigma;
		}
	}

	/**
	 * Poisson shot noise scaled by the camera gain plus Gaussian read noise. The generalized Anscombe
	 * transform makes it roughly unit-variance Gaussian; its inverse is Makitalo and Foi's (2013)
	 * closed-form approximation of the exact unbiased inverse, meant for a posterior mean, not for
	 * single samples.
	 */
	record PoissonGaussian(double gain, double offset, double read) implements NoiseModel {

		public PoissonGaussian {
			if (!(gain > 0) || !Double.isFinite(gain)) {
				throw new IllegalArgumentException("Camera gain must be positive (ADU per electron), got " +
					gain + ".");
			}
			if (!(read >= 0) || !Double.isFinite(read)) {
				throw new IllegalArgumentException("Read noise must be zero or positive (ADU), got " + read +
					".");
			}
			if (!Double.isFinite(offset)) throw new IllegalArgumentException("Camera offset must be finite.");
		}

		/**
		 * {@code read^2 - gain * offset}: the transform and its inverses depend on the camera only
		 * through gain and b, which is all a noise estimate can identify.
		 */
		public double b() {
			return read * read - gain * offset;
		}

		/** Below this level (in electrons, 3/8 included) the transform continues as a straight line. */
		private static final double U0 = 0.25, Z0 = 1; // Z0 = 2 sqrt(U0)

		/**
		 * Generalized Anscombe transform {@code 2 sqrt(u)}, {@code u = (gain adu + b) / gain^2 + 3/8}, in
		 * electrons. Below u = 1/4, where only values a model with a negative variance would call
		 * likely fall (background-subtracted or signed data), it continues as its tangent there: no
		 * clamp, so no two inputs share an output and nothing is lost on the way back.
		 */
		public double forward(final double adu) {
			final double u = (gain * adu + b()) / (gain * gain) + 0.375;
			return u >= U0 ? 2 * Math.sqrt(u) : Z0 + (u - U0) / Math.sqrt(U0);
		}

		/**
		 * Makitalo and Foi's closed-form approximation of the exact unbiased inverse, for a posterior
		 * mean, back to ADU. Below z = 1 (near its minimum at 0.838 the expansion turns back up) it
		 * continues as its tangent at 1, so it stays increasing and never clamps.
		 */
		public double inverse(final double z) {
			final double e = z >= Z0 ? unbiased(z) : unbiased(Z0) + unbiasedSlope(Z0) * (z - Z0);
			return gain * e - b() / gain;
		}

		/** Every pixel of the planes through {@link #forward}, as new planes (NaN stays NaN). */
		public java.util.List<float[]> forward(final java.util.List<float[]> planes) {
			final java.util.List<float[]> out = new java.util.ArrayList<>(planes.size());
			for (final float[] p : planes) {
				final float[] z = new float[p.length];
				for (int i = 0; i < z.length; i++) z[i] = (float) forward(p[i]);
				out.add(z);
			}
			return out;
		}

		/** The noise standard deviation (ADU) of a pixel whose mean is {@code adu}: sqrt(gain adu + b). */
		public double sigmaAt(final double adu) {
			return Math.sqrt(Math.max(0, gain * adu + b()));
		}

		/** The algebraic inverse of {@link #forward}, back to ADU: for single posterior draws. */
		public double algebraicInverse(final double z) {
			final double u = z >= Z0 ? z * z / 4 : U0 + (z - Z0) * Math.sqrt(U0);
			return (gain * gain * (u - 0.375) - b()) / gain;
		}

		/** Makitalo and Foi (2013), eq. 9, in electrons with the read noise's s^2 not yet taken off. */
		private static double unbiased(final double z) {
			final double r = Math.sqrt(1.5);
			return 0.25 * z * z + 0.25 * r / z - 1.375 / (z * z) + 0.625 * r / (z * z * z) - 0.125;
		}

		private static double unbiasedSlope(final double z) {
			final double r = Math.sqrt(1.5);
			return 0.5 * z - 0.25 * r / (z * z) + 2.75 / (z * z * z) - 1.875 * r / (z * z * z * z);
		}

		/** Slope of the inverse, for carrying a standard deviation back through it. */
		public double inverseSlope(final double d) {
			final double h = 1e-3;
			return (inverse(d + h) - inverse(d - h)) / (2 * h);
		}

		@Override
		public String toString() {
			return "poisson-gaussian:" + gain + "," + offset + "," + read;
		}
	}

	public static NoiseModel parse(final String spec) {
		final String s = spec == null ? "auto" : spec.trim().toLowerCase(Locale.ROOT);
		if (s.equals("auto") || s.isEmpty()) return new Auto();
		if (s.equals("none")) return new Gaussian(0);
		try {
			if (s.startsWith("gaussian:")) return new Gaussian(Double.parseDouble(s.substring(9)));
			if (s.startsWith("poisson-gaussian:")) {
				final String[] p = s.substring(17).split(",");
				if (p.length != 3) {
					throw new IllegalArgumentException("poisson-gaussian needs GAIN,OFFSET,READ, got '" + spec +
						"'.");
				}
				return new PoissonGaussian(Double.parseDouble(p[0]), Double.parseDouble(p[1]), Double
					.parseDouble(p[2]));
			}
		}
		catch (final NumberFormatException e) {
			throw new IllegalArgumentException("Noise parameters must be numbers: '" + spec + "'.");
		}
		throw new IllegalArgumentException("Unknown noise model '" + spec + "': use " + SPECS + ".");
	}
}
