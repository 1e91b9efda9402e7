package sc.fiji.diffusion.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * DDIM (Song, Meng and Ermon 2021) in the sigma view: from x at sigma to sigma',
 * {@code x' = D + sqrt(sigma'^2 - c^2) (x - D)/sigma + c z} with
 * {@code c = eta sigma' sqrt(1 - sigma'^2/sigma^2)}. With eta = 1 this is exactly DDPM's ancestral
 * step: the posterior q(x' | x, x0 = D) of the forward chain, whose increments are independent in the
 * sigma view for both families, with mean {@code D + (sigma'/sigma)^2 (x - D)} and variance
 * {@code sigma'^2 (1 - sigma'^2/sigma^2)}. eta = 0 is the deterministic probability-flow step.
 */
public final class DdimSampler extends Sampler {

	private final double eta;

	public DdimSampler(final double eta) {
		if (!(eta >= 0 && eta <= 1)) {
			throw new IllegalArgumentException("DDIM's eta must be in [0, 1], got " + eta + ".");
		}
		this.eta = eta;
	}

	public double eta() {
		return eta;
	}

	@Override
	protected Plan plan(final double[] sigmas, final NDManager manager) {
		final int steps = sigmas.length;
		final double[] keep = new double[steps], fresh = new double[steps];
		for (int i = 0; i < steps; i++) {
			final double s = sigmas[i], next = i + 1 < steps ? sigmas[i + 1] : 0;
			final double c = eta * next * Math.sqrt(Math.max(0, 1 - next * next / (s * s)));
			keep[i] = Math.sqrt(Math.max(0, next * next - c * c)) / s;
			fresh[i] = c;
		}
		final NDArray sigma = table(manager, sigmas), a = table(manager, keep), b = table(manager, fresh);
		return new Plan() {

			@Override
			public int steps() {
				return steps;
			}

			@Override
			public NDArray[] arrays() {
				return new NDArray[] { sigma, a, b };
			}

			@Override
			public NDArray step(final int i, final NDArray x, final Denoiser denoiser,
				final NoiseSource noise, final long batch, final NDManager m)
			{
				final NDArray d = denoiser.denoise(x, level(sigma, i));
				final NDArray out = d.add(x.sub(d).mul(scalar(a, i)));
				if (fresh[i] == 0) return out;
				return out.add(noise.normal(m, x.getShape(), i).mul(scalar(b, i)));
			}
		};
	}
}
