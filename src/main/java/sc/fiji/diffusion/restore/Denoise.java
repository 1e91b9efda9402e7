package sc.fiji.diffusion.restore;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

import java.util.ArrayList;
import java.util.List;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.RealType;

import sc.fiji.diffusion.engine.Autograd;
import sc.fiji.diffusion.engine.HostReads;
import sc.fiji.diffusion.engine.NetworkDenoiser;
import sc.fiji.diffusion.engine.Sampler;

/**
 * Denoising: the measurement is the identity. Default output is the posterior mean (one network
 * evaluation); with samples K, the mean of K posterior samples and optionally their standard
 * deviation. Stacks and channels are restored plane by plane in batches, normalized once per channel.
 */
public final class Denoise {

	private Denoise() {}

	/**
	 * @param channelAxis axis of the channels (>= 2), or -1 when there is none
	 */
	public static <T extends RealType<T>> Result run(final RandomAccessibleInterval<T> image,
		final int channelAxis, final NoiseModel noise, final RestoreOptions o)
	{
		final Planes in = Planes.of(image);
		final List<String> report = new ArrayList<>();
		final float[][] mean = new float[in.count()][], std = o.std() ? new float[in.count()][] : null;
		final List<int[]> channels = Stacks.channels(in, channelAxis);
		final Sampler sampler = o.samples() > 0 ? Sampler.byName(o.sampler()) : null;
		final NetworkDenoiser model = o.model();
		Autograd.off();
		final Stacks.Progress progress = new Stacks.Progress(o.progress(), in.count());
		for (final int[] channel : channels) {
			final List<float[]> planes = new ArrayList<>();
			for (final int p : channel) planes.add(in.plane(p));
			Stacks.requireSomeFinite(planes);
			final long missing = Stacks.missing(planes);
			if (missing > 0) {
				report.add(Stacks.label(channel, in, channelAxis) + missing + " missing (NaN) pixels stay " +
					"NaN: inpaint them to fill them");
			}
			// The noise model decides the space the prior works in; auto picks one from this channel.
			final boolean estimated = noise instanceof NoiseModel.Auto;
			final NoiseModel resolved = estimated ? NoiseEstimate.model(planes, in.width(), in.height())
				: noise;
			final String how = estimated ? " (estimated)" : "";
			final NoiseModel.PoissonGaussian pg = resolved instanceof NoiseModel.PoissonGaussian g ? g : null;
			final double sigmaIn;
			final List<float[]> work;
			if (pg != null) {
				work = new ArrayList<>();
				for (final float[] p : planes) {
					final float[] z = new float[p.length];
					for (int i = 0; i < z.length; i++) z[i] = (float) pg.forward(p[i]);
					work.add(z);
				}
				sigmaIn = 1;
				report.add(Stacks.label(channel, in, channelAxis) + "noise " + String.format(
					java.util.Locale.ROOT, "poisson-gaussian:%.4g,%.4g,%.4g", pg.gain(), pg.offset(), pg.read()) +
					how + " (Anscombe-transformed to unit variance)");
			}
			else {
				work = planes;
				sigmaIn = ((NoiseModel.Gaussian) resolved).sigma();
				report.add(Stacks.label(channel, in, channelAxis) + "noise gaussian sigma " + String.format(
					java.util.Locale.ROOT, "%.4g", sigmaIn) + how);
			}
			final Normalization norm = Normalization.of(work);
			final double sigmaY = sigmaIn * norm.scale();
			if (sigmaY < model.schedule().sigmaMin()) {
				report.add("noise below the model's smallest level: served at " + model.schedule().sigmaMin() /
					norm.scale() + " (the result stays close to the input)");
			}
			if (sigmaY > model.schedule().sigmaMax()) {
				throw new IllegalArgumentException("The noise level is beyond what the model was trained " +
					"for: check the noise model (" + noise + ").");
			}
			for (final int[] chunk : Stacks.chunks(channel, in.width(), in.height())) {
				try (NDManager m = model.manager().newSubManager()) {
					final TiledDenoiser tiled = Stacks.tiled(model, m, o);
					final NDArray y = Stacks.toDevice(m, work, chunk, in.width(), in.height(), norm);
					final NDList r;
					if (o.samples() == 0) {
						r = new NDList(Posterior.mean(tiled.reportingBatches(progress.forChunk(chunk.length)), y,
							sigmaY, model.schedule()));
					}
					else {
						r = Posterior.samples(tiled, y, sigmaY, model.schedule(), sampler, o.steps(), o.samples(), o
							.std(), Stacks.seedOf(o.seed(), channel[chunk[0]]), progress.forChunk(chunk.length));
					}
					final float[] meanValues = HostReads.floats(r.get(0));
					final float[] stdValues = o.std() ? HostReads.floats(r.get(1)) : null;
					final int n = in.width() * in.height();
					for (int k = 0; k < chunk.length; k++) {
						final float[] out = new float[n];
						final float[] sd = stdValues == null ? null : new float[n];
						final float[] measured = planes.get(chunk[k]);
						for (int i = 0; i < n; i++) {
							if (!Float.isFinite(measured[i])) {
								// Denoising does not invent missing pixels: that is inpainting's job.
								out[i] = Float.NaN;
								if (sd != null) sd[i] = Float.NaN;
								continue;
							}
							final double zm = norm.fromModel(meanValues[k * n + i]);
							if (pg != null) {
								out[i] = (float) pg.inverse(zm);
								if (sd != null) sd[i] = (float) Math.abs(pg.inverseSlope(zm) * stdValues[k * n + i] /
									norm.scale());
							}
							else {
								out[i] = (float) zm;
								if (sd != null) sd[i] = (float) (stdValues[k * n + i] / norm.scale());
							}
						}
						mean[channel[chunk[k]]] = out;
						if (std != null) std[channel[chunk[k]]] = sd;
					}
					progress.chunkDone(chunk.length);
				}
			}
		}
		return new Result(in.withPlanes(mean, in.width(), in.height()).toImg(), std == null ? null : in
			.withPlanes(std, in.width(), in.height()).toImg(), report);
	}
}
