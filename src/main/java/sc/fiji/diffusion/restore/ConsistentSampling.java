package sc.fiji.diffusion.restore;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

import sc.fiji.diffusion.engine.DdimSampler;
import sc.fiji.diffusion.engine.Denoiser;
import sc.fiji.diffusion.engine.NoiseSchedule;
import sc.fiji.diffusion.engine.NoiseSource;
import sc.fiji.diffusion.engine.Sampler;
import sc.fiji.diffusion.engine.SamplingListener;

/**
 * Inverse problems by DDNM+ (Wang et al. 2023) in the sigma view. At every step from sigma to sigma'
 * the denoised estimate is pulled onto the measurements, {@code x0' = x0 - lambda A+(A x0 - y)}, with
 * {@code lambda = 1} while {@code sigma' >= s sigma_y} and {@code sigma' / (s sigma_y)} below; then a
 * DDIM step of the sampler's eta from x0' with the network's noise estimate, whose noise part is
 * scaled by {@code gamma = sqrt(sigma'^2 - (lambda s sigma_y)^2) / sigma'} where the measurements
 * carry noise, so that measurement noise is not counted twice. Noiseless measurements keep lambda = 1
 * and gamma = 1 throughout.
 */
final class ConsistentSampling {

	private ConsistentSampling() {}

	/** The DDIM eta of a sampler name; other samplers cannot host the consistency step. */
	static double eta(final String sampler) {
		final Sampler s = Sampler.byName(sampler);
		if (s instanceof DdimSampler d) return d.eta();
		throw new IllegalArgumentException("Inpainting and super-resolution run DDPM or DDIM steps: " +
			"use sampler ddpm or ddim:ETA (ETA > 0 when the measurement is noisy), not '" + sampler + "'.");
	}

	/**
	 * @param y measurements (model units), shaped as A's output
	 * @param start state at grid[0], the full-size initial noise
	 * @param sigmaY measurement noise in model units (0 when noiseless)
	 */
	static NDArray run(final Denoiser tiled, final Measurement a, final NDArray y, final NDArray start,
		final double sigmaY, final double[] grid, final double eta, final int resample,
		final NoiseSource noise, final SamplingListener progress)
	{
		final NDManager m = start.getManager();
		final long batch = start.getShape().get(0);
		final double threshold = a.noiseSpread() * sigmaY;
		// Every step's coefficients as device tables, made once: a Java number in an array operation
		// is a copy to the device and a wait, which on a GPU would cost more than the step's arithmetic.
		final int n = grid.length;
		final double[] lambda = new double[n], keep = new double[n], fresh = new double[n],
			gamma = new double[n], gammaLess = new double[n], renoise = new double[n];
		for (int i = 0; i < n; i++) {
			final double s = grid[i], next = i + 1 < n ? grid[i + 1] : 0;
			// lambda from the level the step goes to: the measurement noise that x0' carries,
			// lambda * threshold, must fit into that level's noise budget.
			lambda[i] = threshold > 0 && next < threshold ? next / threshold : 1;
			fresh[i] = eta * next * Math.sqrt(Math.max(0, 1 - next * next / (s * s)));
			keep[i] = Math.sqrt(Math.max(0, next * next - fresh[i] * fresh[i])) / s;
			// DDIM step from x0' with the network's own noise estimate, its noise part scaled by gamma so
			// that carried measurement noise plus the rest make exactly sigma' (DDNM+).
			final double carried = lambda[i] * threshold;
			gamma[i] = next > 0 ? Math.sqrt(Math.max(0, next * next - carried * carried)) / next : 0;
			gammaLess[i] = gamma[i] - 1;
			renoise[i] = Math.sqrt(s * s - next * next);
		}
		final NDArray sigmaT = Sampler.table(m, grid), lambdaT = Sampler.table(m, lambda), keepT = Sampler
			.table(m, keep), freshT = Sampler.table(m, fresh), gammaT = Sampler.table(m, gamma),
			gammaLessT = Sampler.table(m, gammaLess), renoiseT = Sampler.table(m, renoise);
		NDArray x = start;
		for (int i = 0; i < n; i++) {
			final double next = i + 1 < n ? grid[i + 1] : 0;
			// RePaint (Lugmayr et al. 2022): step down, noise back up, step down again; each round lets
			// the filled region adjust to the known one. The last step (to sigma 0) is taken once.
			final int rounds = next > 0 ? resample : 1;
			final boolean carries = lambda[i] * threshold != 0;
			for (int r = 0; r < rounds; r++) {
				try (NDManager step = m.newSubManager()) {
					// The tables too, so that what is taken from them dies with the step.
					step.tempAttachAll(x, y, sigmaT, lambdaT, keepT, freshT, gammaT, gammaLessT, renoiseT);
					final NDArray x0 = tiled.denoise(x, Sampler.at(sigmaT, i, batch));
					final NDArray corrected = x0.sub(a.pseudoInverse(a.apply(x0).sub(y)).mul(Sampler.scalar(
						lambdaT, i)));
					final int draw = (i * resample + r) * 2;
					NDArray part = x.sub(x0).mul(Sampler.scalar(keepT, i));
					if (fresh[i] > 0) part = part.add(noise.normal(step, x.getShape(), draw).mul(Sampler.scalar(
						freshT, i)));
					// Only measured pixels carry measurement noise (all of them for binning); the part is
					// the first operand so that nothing lands in the long-lived mask's manager.
					final NDArray carriers = a.noiseCarriers(part);
					NDArray out;
					if (!carries) out = corrected.add(part);
					else if (carriers == null) out = corrected.add(part.mul(Sampler.scalar(gammaT, i)));
					else out = corrected.add(part.add(part.mul(carriers).mul(Sampler.scalar(gammaLessT, i))));
					if (r + 1 < rounds) {
						out = out.add(noise.normal(step, x.getShape(), draw + 1).mul(Sampler.scalar(renoiseT,
							i)));
					}
					out.attach(m);
					if (x != start) x.close();
					x = out;
				}
			}
			progress.stepDone(i + 1, n);
		}
		for (final NDArray t : new NDArray[] { sigmaT, lambdaT, keepT, freshT, gammaT, gammaLessT,
			renoiseT }) t.close();
		return x;
	}

	/** K runs from different noise: mean and (when asked) standard deviation. */
	static NDList samples(final Denoiser tiled, final Measurement a, final NDArray y,
		final long[] stateShape, final double sigmaY, final NoiseSchedule schedule, final String sampler,
		final int steps, final int resample, final int count, final boolean std, final long seed,
		final SamplingListener progress)
	{
		final double eta = eta(sampler);
		final double[] grid = Sampler.byName(sampler).grid(schedule, steps);
		return Moments.of(y.getManager(), count, std, (k, one) -> {
			final NoiseSource noise = NoiseSource.seeded(seed * 7919 + k);
			final NDArray start = noise.normal(one, new ai.djl.ndarray.types.Shape(stateShape), -1).mul(
				grid[0]);
			return run(tiled, a, y, start, sigmaY, grid, eta, resample, noise, (i, n) -> progress.stepDone(k *
				n + i, count * n));
		});
	}
}
