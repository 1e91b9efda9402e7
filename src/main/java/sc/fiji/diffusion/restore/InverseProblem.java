package sc.fiji.diffusion.restore;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.Locale;

import sc.fiji.diffusion.engine.NetworkDenoiser;
import sc.fiji.diffusion.engine.SamplingListener;

/**
 * Inpainting and super-resolution, one task for {@link Stacks#restore}: per channel, normalize once
 * over the known pixels, then per chunk of planes run {@link ConsistentSampling} with the task's
 * measurement. Missing pixels are NaN in the planes given here.
 */
final class InverseProblem {

	private InverseProblem() {}

	/**
	 * @param in planes of measurements; NaN marks a missing pixel (inpainting)
	 * @param factor 1 for inpainting, 2 or 4 for super-resolution
	 */
	static Result run(final Planes in, final int factor, final int channelAxis,
		final NoiseModel noise, final RestoreOptions o)
	{
		final int w = in.width(), h = in.height(), W = w * factor, H = h * factor;
		final NetworkDenoiser model = o.model();
		check(o.sampler(), noise);
		return Stacks.restore(in, factor, channelAxis, o, (planes, label, report) -> {
			final Normalization norm = Normalization.of(planes);
			final double sigmaIn = noise instanceof NoiseModel.Gaussian g ? g.sigma() : noise instanceof NoiseModel.Auto
				? NoiseEstimate.gaussianSigma(planes, w, h) : unsupported(noise);
			report.add(label + "measurement noise sigma " + String.format(Locale.ROOT, "%.4g", sigmaIn) +
				(noise instanceof NoiseModel.Auto ? " (estimated)" : ""));
			final double sigmaY = sigmaIn * norm.scale();
			if (sigmaY > model.schedule().sigmaMax()) {
				throw new IllegalArgumentException("The noise level is beyond what the model was trained " +
					"for: check the noise model (" + noise + ").");
			}
			return new Stacks.Channel() {

				@Override
				public NDList restore(final NDManager m, final TiledDenoiser tiled, final int[] chunk,
					final long seed, final SamplingListener progress)
				{
					// Missing pixels enter y at the low percentile (toDevice); the mask leaves them out.
					final float[] known = new float[chunk.length * w * h];
					for (int k = 0; k < chunk.length; k++) {
						final float[] p = planes.get(chunk[k]);
						for (int i = 0; i < p.length; i++) known[k * w * h + i] = Float.isFinite(p[i]) ? 1 : 0;
					}
					final NDArray y = Stacks.toDevice(m, planes, chunk, w, h, norm, sigmaY);
					final Measurement a = factor == 1 ? new Measurement.Mask(m.create(known, new Shape(
						chunk.length, 1, h, w))) : new Measurement.Binning(factor);
					return ConsistentSampling.samples(tiled, a, y, new long[] { chunk.length, 1, H, W }, sigmaY,
						model.schedule(), o.sampler(), o.steps(), o.resample(), Math.max(1, o.samples()), o.std(),
						seed, progress);
				}

				@Override
				public void back(final int plane, final float[] mean, final float[] std, final int offset,
					final float[] out, final float[] sd)
				{
					final float[] measured = planes.get(plane);
					for (int i = 0; i < out.length; i++) {
						// Known pixels of an inpainting come back exactly as measured, with no spread.
						if (factor == 1 && Float.isFinite(measured[i])) {
							out[i] = measured[i];
							if (sd != null) sd[i] = 0;
							continue;
						}
						// A super-resolved block gets back what its measured pixel lost to clipping, so
						// that binning still gives the input.
						final float lost = factor == 1 ? 0 : norm.excess(measured[(i / W / factor) * w + (i % W) /
							factor], sigmaY);
						out[i] = norm.fromModel(mean[offset + i] + lost);
						if (sd != null) sd[i] = (float) (std[offset + i] / norm.scale());
					}
				}
			};
		});
	}

	/** The sampler and the noise model an inverse problem takes, checked before any work. */
	static void check(final String sampler, final NoiseModel noise) {
		ConsistentSampling.eta(sampler);
		if (noise instanceof NoiseModel.PoissonGaussian) unsupported(noise);
	}

	private static double unsupported(final NoiseModel noise) {
		throw new IllegalArgumentException("Inpainting and super-resolution take Gaussian noise " +
			"(gaussian:SIGMA, auto or none), not " + noise + ".");
	}
}
