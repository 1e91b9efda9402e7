package sc.fiji.diffusion.restore;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

import sc.fiji.diffusion.engine.Denoiser;
import sc.fiji.diffusion.engine.NoiseSchedule;
import sc.fiji.diffusion.engine.NoiseSource;
import sc.fiji.diffusion.engine.Sampler;
import sc.fiji.diffusion.engine.SamplingListener;

/**
 * Posterior estimates for an image with Gaussian noise of known level sigma_y (in model units). With
 * the identity measurement, the reverse process started from y at sigma_y is already posterior
 * sampling (below the model's smallest level, from {@code y + sqrt(sigma_min^2 - sigma_y^2) n}). The
 * posterior mean is one evaluation, {@code D(y, sigma_y)} (Tweedie).
 */
final class Posterior {

	private Posterior() {}

	/** Noise levels below the model's smallest are served at the smallest. */
	static double servedSigma(final double sigmaY, final NoiseSchedule schedule) {
		return Math.max(sigmaY, schedule.sigmaMin());
	}

	/** Tweedie's posterior mean, one tiled evaluation. */
	static NDArray mean(final Denoiser tiled, final NDArray y, final double sigmaY,
		final NoiseSchedule schedule)
	{
		final NDManager m = y.getManager();
		// One level for all the slices (Denoiser#denoise).
		final NDArray sigma = m.create(new float[] { (float) servedSigma(sigmaY, schedule) });
		return tiled.denoise(y, sigma);
	}

	/**
	 * The levels a restoration runs: {@code steps} levels from sigma_y itself down to the model's
	 * smallest, spaced as the sampler spaces its own grid. Starting at sigma_y, y is already a state of
	 * the reverse process and needs no extra noise; starting higher would throw information away.
	 */
	static double[] gridFrom(final Sampler sampler, final NoiseSchedule schedule, final double sigmaY,
		final int steps)
	{
		return gridFrom(sampler, schedule, sigmaY, schedule.sigmaMin(), steps);
	}

	/**
	 * The same levels ending at {@code bottom} (at least the model's smallest) instead of the model's
	 * smallest: the last step returns the denoised estimate at that level, the posterior mean given
	 * the state there, which averages over the detail finer than that level.
	 */
	static double[] gridFrom(final Sampler sampler, final NoiseSchedule schedule, final double sigmaY,
		final double bottom, final int steps)
	{
		final double top = servedSigma(sigmaY, schedule);
		final double low = Math.max(bottom, schedule.sigmaMin());
		if (!(top > low)) return new double[] { Math.min(top, low) };
		return sampler.grid(new sc.fiji.diffusion.engine.VeSchedule(low, top), steps);
	}

	/**
	 * K posterior samples, {@code perPass} side by side in the batch dimension; returns their mean
	 * and, when asked, their standard deviation (computed on the device, Welford's update).
	 */
	static NDList samples(final Denoiser tiled, final NDArray y, final double sigmaY,
		final NoiseSchedule schedule, final Sampler sampler, final int steps, final int count,
		final int perPass, final boolean std, final Moments.ChainNoise chains, final SamplingListener progress)
	{
		final double[] grid = gridFrom(sampler, schedule, sigmaY, steps);
		final double start = grid[0];
		final double extra = Math.sqrt(Math.max(0, start * start - sigmaY * sigmaY));
		return Moments.of(y.getManager(), count, perPass, std, progress, (first, g, one, pass) -> {
			final NoiseSource noise = chains.of(first, g);
			final NDArray yg = Moments.chains(y, g, one);
			final NDArray x = noise.normal(one, yg.getShape(), -1).mul(extra).add(yg);
			return sampler.sample(tiled, x, grid, noise, pass);
		});
	}
}
