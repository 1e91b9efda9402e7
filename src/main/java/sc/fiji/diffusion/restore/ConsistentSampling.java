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
 * {@code lambda = 1} while {@code sigma' >= s sigma_y} and {@code sigma' / (s sigma_y)} below, per
 * measurement (camera noise differs from pixel to pixel); then a DDIM step of the sampler's eta from x0' with the network's noise estimate, whose noise part is
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
			"use sampler=ddpm or sampler=ddim:ETA (ETA > 0 when the measurement is noisy), not '" + sampler + "'.");
	}

	/**
	 * @param y measurements (model units), shaped as A's output
	 * @param start state at grid[0], the full-size initial noise
	 * @param sigmaY measurement noise in model units, one value per measurement (shaped as y), or
	 *          null when noiseless: camera noise differs from pixel to pixel, so lambda and gamma do
	 *          too (a constant for Gaussian noise)
	 */
	static NDArray run(final Denoiser tiled, final Measurement a, final NDArray y, final NDArray start,
		final NDArray sigmaY, final double[] grid, final double eta, final int resample,
		final NoiseSource noise, final SamplingListener progress)
	{
		final NDManager m = start.getManager();
		final long batch = start.getShape().get(0);
		// Every step's coefficients as device tables, made once: a Java number in an array operation
		// is a copy to the device and a wait, which on a GPU would cost more than the step's arithmetic.
		final int n = grid.length;
		final double[] next = new double[n], keep = new double[n], fresh = new double[n],
			renoise = new double[n];
		for (int i = 0; i < n; i++) {
			final double s = grid[i];
			next[i] = i + 1 < n ? grid[i + 1] : 0;
			fresh[i] = eta * next[i] * Math.sqrt(Math.max(0, 1 - next[i] * next[i] / (s * s)));
			keep[i] = Math.sqrt(Math.max(0, next[i] * next[i] - fresh[i] * fresh[i])) / s;
			renoise[i] = Math.sqrt(s * s - next[i] * next[i]);
		}
		final NDArray sigmaT = Sampler.table(m, grid), nextT = Sampler.table(m, next), keepT = Sampler
			.table(m, keep), freshT = Sampler.table(m, fresh), renoiseT = Sampler.table(m, renoise);
		// Per measurement: the threshold s * sigma_y (A+ spreads a measurement's noise over s pixels'
		// worth), with its inverse where it is positive and 1 - that indicator, for lambda below.
		final NDArray threshold = sigmaY == null ? null : sigmaY.mul(a.noiseSpread());
		NDArray positive = null, inverse = null, notPositive = null;
		if (threshold != null) {
			// Intermediates closed at once: they would live as long as the chunk, one set per sample.
			final NDArray gt = threshold.gt(0), safe = threshold.maximum(1e-30f);
			positive = gt.toType(threshold.getDataType(), false);
			inverse = positive.div(safe);
			final NDArray negative = positive.neg();
			notPositive = negative.add(1);
			for (final NDArray t : new NDArray[] { gt, safe, negative }) t.close();
		}
		NDArray x = start;
		for (int i = 0; i < n; i++) {
			// RePaint (Lugmayr et al. 2022): step down, noise back up, step down again; each round lets
			// the filled region adjust to the known one. The last step (to sigma 0) is taken once.
			final int rounds = next[i] > 0 ? resample : 1;
			for (int r = 0; r < rounds; r++) {
				try (NDManager step = m.newSubManager()) {
					// The tables too, so that what is taken from them dies with the step.
					step.tempAttachAll(x, y, sigmaT, nextT, keepT, freshT, renoiseT);
					if (threshold != null) step.tempAttachAll(threshold, positive, inverse, notPositive);
					final NDArray x0 = tiled.denoise(x, Sampler.level(sigmaT, i));
					NDArray residual = a.apply(x0).sub(y);
					// lambda from the level the step goes to: the measurement noise that x0' carries,
					// lambda * threshold = min(threshold, sigma'), must fit into that level's budget
					// (lambda 1 where noiseless); gamma then scales the step's noise part so that carried
					// measurement noise plus the rest make exactly sigma' (DDNM+).
					NDArray carried = null;
					if (threshold != null) {
						carried = threshold.minimum(Sampler.scalar(nextT, i));
						residual = residual.mul(carried.mul(inverse).add(notPositive));
					}
					final NDArray corrected = x0.sub(a.pseudoInverse(residual));
					final int draw = (i * resample + r) * 2;
					NDArray part = x.sub(x0).mul(Sampler.scalar(keepT, i));
					if (fresh[i] > 0) part = part.add(noise.normal(step, x.getShape(), draw).mul(Sampler.scalar(
						freshT, i)));
					if (carried != null && next[i] > 0) {
						// Only measured pixels carry measurement noise (A+ puts carried where they are).
						final NDArray c = a.pseudoInverse(carried);
						final NDArray nextS = Sampler.scalar(nextT, i);
						part = part.mul(nextS.square().sub(c.square()).maximum(0).sqrt().div(nextS));
					}
					NDArray out = corrected.add(part);
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
		for (final NDArray t : new NDArray[] { sigmaT, nextT, keepT, freshT, renoiseT, threshold,
			positive, inverse, notPositive }) if (t != null) t.close();
		return x;
	}

	/**
	 * The denoiser as the runs ask it: for noiseless inpainting only the windows that hold a hole,
	 * since every known pixel's estimate is replaced by its measurement; the other windows' estimate is
	 * the measurement itself (their known pixels' states then step down with their true noise).
	 * {@code -Ddiffusion.allWindows=true} asks for every window, to measure the difference.
	 */
	static Denoiser asked(final Denoiser tiled, final Measurement a, final NDArray y,
		final NDArray sigmaY)
	{
		if (sigmaY != null || Boolean.getBoolean("diffusion.allWindows") || !(a instanceof Measurement.Mask mask) || !(tiled instanceof TiledDenoiser t)) {
			return tiled;
		}
		return t.onlyWhere(mask.holes(), a.pseudoInverse(y));
	}

	/**
	 * K runs from different noise, {@code perPass} side by side in the batch dimension: mean and
	 * (when asked) standard deviation. Chain k's noise is {@code chains}' k-th whatever the pass size.
	 *
	 * @param guess where the runs start (model units, the state's shape) with noise of level
	 *          {@code warm} added, or null to start from pure noise at the top of the schedule
	 */
	static NDList samples(final Denoiser tiled, final Measurement a, final NDArray y,
		final long[] stateShape, final NDArray sigmaY, final NoiseSchedule schedule, final String sampler,
		final int steps, final int resample, final int count, final int perPass, final boolean std,
		final Moments.ChainNoise chains, final SamplingListener progress, final NDArray guess,
		final double warm)
	{
		final double eta = eta(sampler);
		// -Ddiffusion.stopAt=LEVEL (model units) ends the runs from a guess at that level with its
		// denoised estimate, to measure what it changes (docs/defaults.md).
		final double stop = Double.parseDouble(System.getProperty("diffusion.stopAt", "0"));
		final double[] grid = guess != null ? Posterior.gridFrom(Sampler.byName(sampler), schedule, warm,
			stop, steps) : Sampler.byName(sampler).grid(schedule, steps);
		return Moments.of(y.getManager(), count, perPass, std, progress, (first, g, one, pass) -> {
			final NoiseSource noise = chains.of(first, g);
			final long[] shape = stateShape.clone();
			shape[0] *= g;
			NDArray start = noise.normal(one, new ai.djl.ndarray.types.Shape(shape), -1).mul(grid[0]);
			if (guess != null) start = start.add(Moments.chains(guess, g, one));
			final Measurement ag = a.repeated(g, one);
			final NDArray yg = Moments.chains(y, g, one);
			return run(asked(tiled, ag, yg, sigmaY), ag, yg, start, sigmaY == null ? null : Moments.chains(
				sigmaY, g, one), grid, eta, resample, noise, pass);
		});
	}
}
