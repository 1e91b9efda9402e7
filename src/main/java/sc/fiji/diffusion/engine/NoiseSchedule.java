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
