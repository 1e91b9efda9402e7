package sc.fiji.diffusion.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * NCSN's annealed Langevin dynamics (Song and Ermon 2019): for each noise level sigma_i, from the
 * largest to the smallest sigma_L, {@code stepsPerLevel} updates
 * {@code x += (alpha_i/2) s(x, sigma_i) + sqrt(alpha_i) z} with
 * {@code alpha_i = epsilon sigma_i^2 / sigma_L^2}; then one denoising step
 * {@code x + sigma_L^2 s(x, sigma_L)}, which is D(x, sigma_L). A requested number of steps counts
 * network evaluations, as for the other samplers: steps / stepsPerLevel levels. Measured on a Gaussian
 * mixture: 3 updates per level at epsilon 2e-5 get the mode weights wrong by 0.06; 10 at 5e-5 are
 * right.
 */
public final class LangevinSampler extends Sampler {

	private final int stepsPerLevel;
	private final double epsilon;

	public LangevinSampler(final int stepsPerLevel, final double epsilon) {
		if (stepsPerLevel < 1) {
			throw new IllegalArgumentException("Langevin steps per level must be at least 1.");
		}
		if (!(epsilon > 0)) throw new IllegalArgumentException("Langevin step size must be positive.");
		this.stepsPerLevel = stepsPerLevel;
		this.epsilon = epsilon;
	}

	/** Geometric levels, as NCSN was trained; one level per stepsPerLevel requested steps. */
	@Override
	public double[] grid(final NoiseSchedule schedule, final int steps) {
		NoiseSchedule.requirePositiveSteps(steps);
		return NoiseSchedule.geometric(schedule.sigmaMax(), schedule.sigmaMin(), Math.max(1, steps /
			stepsPerLevel));
	}

	@Override
	protected Plan plan(final double[] sigmas, final NDManager manager) {
		final int levels = sigmas.length;
		final double last = sigmas[levels - 1];
		if (epsilon / (2 * last * last) > 0.5) {
			throw new IllegalArgumentException("Langevin step size " + epsilon + " is too large for the " +
				"smallest noise level " + last + ": use at most " + last * last + ".");
		}
		final int updates = levels * stepsPerLevel;
		final double[] sigmaOf = new double[updates + 1], pull = new double[updates + 1],
			spread = new double[updates + 1];
		for (int k = 0; k < updates; k++) {
			final double s = sigmas[k / stepsPerLevel];
			final double alpha = epsilon * s * s / (last * last);
			sigmaOf[k] = s;
			// (alpha/2) * score = (alpha / (2 sigma^2)) (D - x)
			pull[k] = alpha / (2 * s * s);
			spread[k] = Math.sqrt(alpha);
		}
		sigmaOf[updates] = last;
		final NDArray sigma = table(manager, sigmaOf), a = table(manager, pull), b = table(manager,
			spread);
		return new Plan() {

			@Override
			public int steps() {
				return updates + 1;
			}

			@Override
			public NDArray[] arrays() {
				return new NDArray[] { sigma, a, b };
			}

			@Override
			public NDArray step(final int k, final NDArray x, final Denoiser denoiser,
				final NoiseSource noise, final long batch, final NDManager m)
			{
				final NDArray d = denoiser.denoise(x, level(sigma, k));
				if (k == updates) return d;
				return x.add(d.sub(x).mul(scalar(a, k))).add(noise.normal(m, x.getShape(), k).mul(scalar(b,
					k)));
			}
		};
	}
}
