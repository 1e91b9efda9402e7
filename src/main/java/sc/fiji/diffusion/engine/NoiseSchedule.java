package sc.fiji.diffusion.engine;

import java.util.Map;

/**
 * Noise levels of one model family, in the sigma view shared by both families: a state is
 * {@code x_sigma = x0 + sigma * n}. Samplers only see sigmas; how a network is conditioned on a sigma
 * is the denoiser's business.
 */
public interface NoiseSchedule {

	/** Smallest noise level the model was trained on. */
	double sigmaMin();

	/** Largest noise level the model was trained on; sampling from scratch starts here. */
	double sigmaMax();

	/**
	 * The family's own sampling grid: {@code steps} decreasing sigmas from {@link #sigmaMax()} to
	 * {@link #sigmaMin()} (no trailing zero).
	 */
	double[] sigmas(int steps);

	/** The schedule as written in a model card. */
	Map<String, Object> describe();

	/** Rebuilds a schedule from its card entry (see {@link #describe()}). */
	static NoiseSchedule fromCard(final Map<?, ?> m) {
		final Object type = m.get("type");
		if ("linear".equals(type)) {
			return VpSchedule.linear(number(m, "timesteps").intValue(), number(m, "beta_start")
				.doubleValue(), number(m, "beta_end").doubleValue());
		}
		if ("cosine".equals(type)) return VpSchedule.cosine(number(m, "timesteps").intValue());
		if ("geometric".equals(type)) {
			return new VeSchedule(number(m, "sigma_min").doubleValue(), number(m, "sigma_max")
				.doubleValue());
		}
		throw new IllegalArgumentException("Unknown schedule type '" + type +
			"': use linear, cosine (DDPM) or geometric (NCSN).");
	}

	private static Number number(final Map<?, ?> m, final String key) {
		final Object v = m.get(key);
		if (!(v instanceof Number n)) {
			throw new IllegalArgumentException("The schedule lacks the number '" + key + "'.");
		}
		return n;
	}

	/** Rejects step counts that no sampler can honour. */
	static void requirePositiveSteps(final int steps) {
		if (steps < 1) {
			throw new IllegalArgumentException("Number of steps must be at least 1, got " + steps + ".");
		}
	}

	/**
	 * The grid of Karras et al. (EDM, 2022): denser at small sigma, where detail forms; good for
	 * few-step solvers.
	 */
	static double[] karras(final double sigmaMax, final double sigmaMin, final int steps) {
		requirePositiveSteps(steps);
		final double rho = 7;
		final double[] s = new double[steps];
		final double a = Math.pow(sigmaMax, 1 / rho), b = Math.pow(sigmaMin, 1 / rho);
		for (int i = 0; i < steps; i++) {
			final double u = steps == 1 ? 0 : (double) i / (steps - 1);
			s[i] = Math.pow(a + u * (b - a), rho);
		}
		return s;
	}

	/** Geometric grid from sigmaMax down to sigmaMin (NCSN's noise levels). */
	static double[] geometric(final double sigmaMax, final double sigmaMin, final int steps) {
		requirePositiveSteps(steps);
		final double[] s = new double[steps];
		for (int i = 0; i < steps; i++) {
			final double u = steps == 1 ? 0 : (double) i / (steps - 1);
			s[i] = sigmaMax * Math.pow(sigmaMin / sigmaMax, u);
		}
		return s;
	}
}
