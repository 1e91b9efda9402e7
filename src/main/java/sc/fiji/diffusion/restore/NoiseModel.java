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

		private double readInElectrons() {
			return read / gain;
		}

		/** Generalized Anscombe transform, in electrons: {@code 2 sqrt(max(0, y + 3/8 + s^2))}. */
		public double forward(final double adu) {
			final double y = (adu - offset) / gain, s = readInElectrons();
			return 2 * Math.sqrt(Math.max(0, y + 0.375 + s * s));
		}

		/** Closed-form approximation of the exact unbiased inverse, back to ADU. */
		public double inverse(final double d) {
			final double s = readInElectrons();
			// Below its minimum (z = 0.838) the expansion turns back up; clamp there.
			final double z = Math.max(d, 0.838);
			final double r = Math.sqrt(1.5);
			final double y = 0.25 * z * z + 0.25 * r / z - 1.375 / (z * z) + 0.625 * r / (z * z * z) - 0.125 -
				s * s;
			// A mean photon count is never negative.
			return Math.max(0, y) * gain + offset;
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
