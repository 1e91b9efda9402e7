package sc.fiji.diffusion.restore;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import sc.fiji.diffusion.engine.Autograd;
import sc.fiji.diffusion.engine.HostReads;
import sc.fiji.diffusion.engine.NetworkDenoiser;

/**
 * Inpainting and super-resolution, one loop: per channel, normalize once over the known pixels, then
 * per chunk of planes run {@link ConsistentSampling} with the task's measurement and map back to the
 * input's units. Missing pixels are NaN in the planes given here.
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
		final List<String> report = new ArrayList<>();
		final int w = in.width(), h = in.height(), W = w * factor, H = h * factor;
		final float[][] mean = new float[in.count()][], std = o.std() ? new float[in.count()][] : null;
		final NetworkDenoiser model = o.model();
		ConsistentSampling.eta(o.sampler());
		Autograd.off();
		final Stacks.Progress progress = new Stacks.Progress(o.progress(), in.count());
		for (final int[] channel : Stacks.channels(in, channelAxis)) {
			final List<float[]> planes = new ArrayList<>();
			for (final int p : channel) planes.add(in.plane(p));
			Stacks.requireSomeFinite(planes);
			final Normalization norm = Normalization.of(planes);
			final double sigmaIn = noise instanceof NoiseModel.Gaussian g ? g.sigma() : noise instanceof NoiseModel.Auto
				? NoiseEstimate.gaussianSigma(planes, w, h) : unsupported(noise);
			report.add(Stacks.label(channel, in, channelAxis) + "measurement noise sigma " + String.format(
				Locale.ROOT, "%.4g", sigmaIn) + (noise instanceof NoiseModel.Auto ? " (estimated)" : ""));
			final double sigmaY = sigmaIn * norm.scale();
			if (sigmaY > model.schedule().sigmaMax()) {
				throw new IllegalArgumentException("The noise level is beyond what the model was trained " +
					"for: check the noise model (" + noise + ").");
			}
			for (final int[] chunk : Stacks.chunks(channel, W, H)) {
				try (NDManager m = model.manager().newSubManager()) {
					final TiledDenoiser tiled = Stacks.tiled(model, m, o);
					final float[] known = new float[chunk.length * w * h];
					final List<float[]> filled = new ArrayList<>();
					for (int k = 0; k < chunk.length; k++) {
						final float[] p = planes.get(chunk[k]);
						final float[] f = new float[p.length];
						for (int i = 0; i < p.length; i++) {
							final boolean ok = Float.isFinite(p[i]);
							known[k * w * h + i] = ok ? 1 : 0;
							f[i] = ok ? p[i] : (float) norm.low();
						}
						filled.add(f);
					}
					final int[] all = new int[chunk.length];
					for (int k = 0; k < all.length; k++) all[k] = k;
					final NDArray y = Stacks.toDevice(m, filled, all, w, h, norm);
					final Measurement a = factor == 1 ? new Measurement.Mask(m.create(known, new Shape(
						chunk.length, 1, h, w))) : new Measurement.Binning(factor);
					final NDList r = ConsistentSampling.samples(tiled, a, y, new long[] { chunk.length, 1, H, W },
						sigmaY, model.schedule(), o.sampler(), o.steps(), o.resample(), Math.max(1, o.samples()), o.std(),
						Stacks.seedOf(o.seed(), channel[chunk[0]]), progress.forChunk(chunk.length));
					final float[] mv = HostReads.floats(r.get(0));
					final float[] sv = o.std() ? HostReads.floats(r.get(1)) : null;
					final int n = W * H;
					for (int k = 0; k < chunk.length; k++) {
						final float[] out = new float[n], sd = sv == null ? null : new float[n];
						final float[] measured = planes.get(chunk[k]);
						for (int i = 0; i < n; i++) {
							// Known pixels of an inpainting come back exactly as measured, with no spread.
							if (factor == 1 && Float.isFinite(measured[i])) {
								out[i] = measured[i];
								if (sd != null) sd[i] = 0;
								continue;
							}
							out[i] = norm.fromModel(mv[k * n + i]);
							if (sd != null) sd[i] = (float) (sv[k * n + i] / norm.scale());
						}
						mean[channel[chunk[k]]] = out;
						if (std != null) std[channel[chunk[k]]] = sd;
					}
					progress.chunkDone(chunk.length);
				}
			}
		}
		return new Result(in.withPlanes(mean, W, H).toImg(), std == null ? null : in.withPlanes(std, W, H)
			.toImg(), report);
	}

	private static double unsupported(final NoiseModel noise) {
		throw new IllegalArgumentException("Inpainting and super-resolution take Gaussian noise " +
			"(gaussian:SIGMA, auto or none), not " + noise + ".");
	}
}
