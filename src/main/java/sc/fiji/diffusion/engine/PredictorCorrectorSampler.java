package sc.fiji.diffusion.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Predictor-corrector sampling of the reverse SDE (Song et al. 2021), in the sigma view where both
 * families follow the variance-exploding SDE. Predictor, reverse diffusion from sigma to sigma':
 * {@code x' = x + (sigma^2 - sigma'^2) s(x, sigma) + sqrt(sigma^2 - sigma'^2) z}. Corrector, one
 * Langevin step at sigma' whose size follows a signal-to-noise ratio r:
 * {@code e = 2 (r |z| / |s|)^2}, {@code x' += e s + sqrt(2 e) z}, norms per sample, on the device.
 * The last step goes to sigma 0 without a corrector: there it is the denoised estimate.
 */
public final class PredictorCorrectorSampler extends Sampler {

	private final double snr;

	public PredictorCorrectorSampler(final double snr) {
		if (!(snr > 0)) throw new IllegalArgumentException("Corrector SNR must be positive.");
		this.snr = snr;
	}

	@Override
	protected Plan plan(final double[] sigmas, final NDManager manager) {
		final int steps = sigmas.length;
		final double[] next = new double[steps], keep = new double[steps], spread = new double[steps];
		for (int i = 0; i < steps; i++) {
			final double s = sigmas[i], n = i + 1 < steps ? sigmas[i + 1] : 0;
			next[i] = n;
			// x + (s^2 - n^2) (D - x)/s^2 = D + (n/s)^2 (x - D)
			keep[i] = n * n / (s * s);
			spread[i] = Math.sqrt(s * s - n * n);
		}
		final NDArray sigma = table(manager, sigmas), sigmaNext = table(manager, next), a = table(
			manager, keep), b = table(manager, spread), twoSnrSquared = manager.create((float) (2 * snr *
				snr)), two = manager.create(2f);
		return new Plan() {

			@Override
			public int steps() {
				return steps;
			}

			@Override
			public NDArray[] arrays() {
				return new NDArray[] { sigma, sigmaNext, a, b, twoSnrSquared, two };
			}

			@Override
			public NDArray step(final int i, final NDArray x, final Denoiser denoiser,
				final NoiseSource noise, final long batch, final NDManager m)
			{
				final NDArray d = denoiser.denoise(x, level(sigma, i));
				NDArray y = d.add(x.sub(d).mul(scalar(a, i)));
				if (i == steps - 1) return y;
				y = y.add(noise.normal(m, x.getShape(), 2 * i).mul(scalar(b, i)));
				// Corrector at the new level.
				final NDArray s = level(sigmaNext, i);
				final NDArray score = Denoiser.score(y, denoiser.denoise(y, s), s);
				final NDArray z = noise.normal(m, x.getShape(), 2 * i + 1);
				final int[] axes = { 1, 2, 3 };
				final NDArray ratio = z.square().sum(axes).div(score.square().sum(axes));
				final NDArray e = Denoiser.perSample(ratio.mul(twoSnrSquared), y);
				return y.add(score.mul(e)).add(z.mul(e.mul(two).sqrt()));
			}
		};
	}
}
