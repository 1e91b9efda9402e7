package sc.fiji.diffusion.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * DPM-Solver++(2M) (Lu et al. 2022), a deterministic multistep solver of the probability-flow ODE
 * with data prediction, written in the sigma view (alpha = 1, lambda = -log sigma):
 * {@code x' = (sigma'/sigma) x + (1 - sigma'/sigma) D_eff}, with
 * {@code D_eff = (1 + 1/(2r)) D_i - 1/(2r) D_{i-1}}, {@code r = h_{i-1}/h_i},
 * {@code h_i = log(sigma_i / sigma_{i+1})}; first order on the first step and on the last step to
 * sigma 0. Few steps suffice on the EDM grid. Being deterministic, it cannot absorb measurement noise.
 */
public final class DpmSolverSampler extends Sampler {

	@Override
	public double[] grid(final NoiseSchedule schedule, final int steps) {
		return NoiseSchedule.karras(schedule.sigmaMax(), schedule.sigmaMin(), steps);
	}

	@Override
	protected Plan plan(final double[] sigmas, final NDManager manager) {
		final int steps = sigmas.length;
		final double[] ratio = new double[steps], weight = new double[steps];
		double previousH = Double.NaN;
		for (int i = 0; i < steps; i++) {
			final double s = sigmas[i], n = i + 1 < steps ? sigmas[i + 1] : 0;
			ratio[i] = n / s;
			final double h = n > 0 ? Math.log(s / n) : Double.NaN;
			weight[i] = i == 0 || n == 0 ? 0 : 1 / (2 * (previousH / h));
			previousH = h;
		}
		final NDArray sigma = table(manager, sigmas), a = table(manager, ratio), w = table(manager,
			weight), one = manager.create(1f);
		return new Plan() {

			private NDArray previous;

			@Override
			public int steps() {
				return steps;
			}

			@Override
			public NDArray[] arrays() {
				return previous == null ? new NDArray[] { sigma, a, w, one } : new NDArray[] { sigma, a, w,
					one, previous };
			}

			@Override
			public NDArray step(final int i, final NDArray x, final Denoiser denoiser,
				final NoiseSource noise, final long batch, final NDManager m)
			{
				final NDArray d = denoiser.denoise(x, level(sigma, i));
				NDArray effective = d;
				if (weight[i] != 0) {
					effective = d.add(d.sub(previous).mul(scalar(w, i)));
				}
				if (previous != null) previous.close();
				previous = d;
				// Keep D_i alive past this step's manager for the next step.
				previous.attach(manager);
				final NDArray ai = scalar(a, i);
				return x.mul(ai).add(effective.mul(one.sub(ai)));
			}
		};
	}
}
