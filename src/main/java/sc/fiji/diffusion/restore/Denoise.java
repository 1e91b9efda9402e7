package sc.fiji.diffusion.restore;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

import java.util.List;
import java.util.Locale;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.RealType;

import sc.fiji.diffusion.engine.NetworkDenoiser;
import sc.fiji.diffusion.engine.Sampler;
import sc.fiji.diffusion.engine.SamplingListener;

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
		RestoreOptions.checkSpread(Defaults.Task.DENOISE, o.samples(), o.std());
		final Planes in = Planes.of(image);
		final Sampler sampler = o.samples() > 0 ? Sampler.byName(o.sampler()) : null;
		final NetworkDenoiser model = o.model();
		final int w = in.width(), h = in.height();
		return Stacks.restore(in, 1, channelAxis, o, Defaults.Task.DENOISE, (planes, statistics, ordinal, label, report) -> {
			final long missing = Stacks.missing(planes);
			if (missing > 0) {
				report.add(label + missing + " missing (NaN or infinite) pixels come back NaN: inpaint them to " +
					"fill them");
			}
			// A constant plane (an empty frame of a stack) holds no noise to remove: it comes back as is.
			final boolean[] constant = new boolean[planes.size()];
			final float[][] ranges = new float[planes.size()][];
			java.util.stream.IntStream.range(0, ranges.length).parallel().forEach(k -> ranges[k] =
				sc.fiji.diffusion.engine.Percentiles.finiteRange(List.of(planes.get(k))));
			for (int k = 0; k < constant.length; k++) {
				final float[] r = ranges[k];
				constant[k] = r[0] == r[1];
				if (constant[k] && planes.size() > 1) {
					report.add(label + "plane " + (k + 1) + " is constant (" + r[0] + "): returned unchanged");
				}
			}
			// The noise model decides the space the prior works in; auto picks one from this channel.
			final boolean estimated = noise instanceof NoiseModel.Auto && o.channels() == null;
			// A volume's blocks share the setup made once from a sample of the volume.
			final ChannelSetup setup = o.channels() != null ? o.channels().get(ordinal) : ChannelSetup.of(
				statistics, w, h, noise, Defaults.Task.DENOISE);
			final NoiseModel resolved = setup.noise();
			final String how = estimated ? " (estimated)" : "";
			final NoiseModel.PoissonGaussian pg = resolved instanceof NoiseModel.PoissonGaussian g ? g : null;
			final double sigmaIn = resolved.domainSigma();
			final List<float[]> work = resolved.domain(planes);
			if (pg != null) {
				report.add(label + "noise " + String.format(Locale.ROOT, "poisson-gaussian:%.4g,%.4g,%.4g", pg
					.gain(), pg.offset(), pg.read()) + how + " (Anscombe-transformed to unit variance)");
			}
			else report.add(label + "noise gaussian sigma " + String.format(Locale.ROOT, "%.4g", sigmaIn) + how);
			final Normalization norm = setup.normalization();
			final double sigmaY = sigmaIn * norm.scale();
			final Normalization.Mapping map = norm.at(sigmaY);
			// The model's smallest level: its schedule's, or the noise of the images it was trained on.
			final double lowest = Math.max(model.schedule().sigmaMin(), model.lowestLevel());
			if (sigmaY < lowest) {
				report.add(label + "noise below the model's smallest level" + (model.lowestLevel() > 0
					? " (it was trained on noisy images)" : "") + ": served at " + lowest / norm.scale() +
					(model.lowestLevel() > 0 ? " (finer detail is smoothed)" : " (the result stays close to the input)"));
			}
			if (sigmaY > model.schedule().sigmaMax()) {
				throw new IllegalArgumentException("The noise level is beyond what the model was trained " +
					"for: check the noise (noise=" + noise + ").");
			}
			// The network sees holes filled smoothly from their surroundings; they come back NaN.
			final List<float[]> seen = missing == 0 ? work : work.stream().map(p -> Fill.harmonic(p, w, h))
				.toList();
			final boolean[] split = { false };
			return new Stacks.Channel() {

				private final Stacks.Ahead<float[]> ahead = new Stacks.Ahead<>(chunk -> Stacks.normalized(seen,
					chunk, w, h, norm, sigmaY));

				@Override
				public void prepare(final int[] chunk) {
					ahead.prepare(chunk);
				}

				@Override
				public NDList restore(final NDManager m, final TiledDenoiser tiled, final int[] chunk,
					final Moments.ChainNoise noise, final SamplingListener progress)
				{
					final NDArray y = Stacks.create(m, ahead.take(chunk), chunk.length, w, h);
					if (o.samples() == 0) {
						return new NDList(Posterior.mean(tiled.reportingBatches(progress), y, sigmaY, model
							.schedule()));
					}
					final int perPass = Moments.perPass(o.samples(), y.size(), y.getDevice(), split, report, label);
					return Posterior.samples(tiled, y, sigmaY, model.schedule(), sampler, Defaults.steps(Defaults.Task
						.DENOISE, o.steps()), o.samples(),
						perPass, o.std(), noise, progress);
				}

				@Override
				public void back(final int plane, final float[] mean, final float[] std, final int offset,
					final float[] out, final float[] sd, final int from, final int to)
				{
					final float[] measured = planes.get(plane), given = work.get(plane), seen = statistics.get(
						plane);
					for (int i = from; i < to; i++) {
						// Saturated pixels (NaN among the statistics only) come back as they are too.
						if (!Float.isFinite(measured[i]) || constant[plane] || Float.isNaN(seen[i])) {
							// Denoising does not invent missing pixels: that is inpainting's job.
							final boolean kept = Float.isFinite(measured[i]);
							out[i] = kept ? measured[i] : Float.NaN;
							if (sd != null) sd[i] = kept ? 0 : Float.NaN;
							continue;
						}
						final double zm = map.fromModel(mean[offset + i] + map.excess(given[i]));
						if (pg != null) {
							// A mean goes back through the unbiased inverse, a single draw through the algebraic one.
							out[i] = (float) (o.samples() == 1 ? pg.algebraicInverse(zm) : pg.inverse(zm));
							if (sd != null) sd[i] = (float) Math.abs(pg.inverseSlope(zm) * std[offset + i] / norm
								.scale());
						}
						else {
							out[i] = (float) zm;
							if (sd != null) sd[i] = (float) (std[offset + i] / norm.scale());
						}
					}
				}
			};
		});
	}
}
