package sc.fiji.diffusion.restore;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.List;
import java.util.Locale;

import sc.fiji.diffusion.engine.NetworkDenoiser;
import sc.fiji.diffusion.engine.SamplingListener;

/**
 * Inpainting and super-resolution, one task for {@link Stacks#restore}: per channel, normalize once
 * over the known pixels, then per chunk of planes run {@link ConsistentSampling} with the task's
 * measurement. Missing pixels are NaN in the planes given here.
 */
final class InverseProblem {

	/**
	 * {@code -Ddiffusion.blockGuess=true}: super-resolution starts from each measured pixel spread over
	 * its block (before session 11) instead of {@link Upsample#firstGuess}, to measure the difference.
	 */
	private static final boolean BLOCK_GUESS = Boolean.getBoolean("diffusion.blockGuess");

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
		check(o.sampler());
		final Defaults.Task task = Defaults.Task.inverse(factor);
		final int count = Defaults.samples(task, o.samples(), model.manager().getDevice()), steps = Defaults.steps(task, o.steps());
		final double start = o.start() < 0 ? Defaults.start(task) : o.start();
		return Stacks.restore(in, factor, channelAxis, o, task, (planes, statistics, ordinal, label, report) -> {
			final boolean estimated = noise instanceof NoiseModel.Auto;
			// A volume's blocks share the setup made once from a sample of the volume.
			final ChannelSetup given = o.channels() == null ? null : o.channels().get(ordinal);
			final NoiseModel resolved = given != null ? given.noise() : noise.resolve(statistics, w, h);
			final NoiseModel.PoissonGaussian pg = resolved instanceof NoiseModel.PoissonGaussian g ? g : null;
			// Camera noise stays in linear units, each measurement with its own variance gain * y + b (a
			// per-pixel lambda in DDNM+): binning does not commute with the Anscombe transform, and for
			// masks, where it would, the prior has never seen square-root-compressed scenes; measured on
			// nine scenes (AnscombeProbeTest), mean hole RMS error 141.2 ADU in the Anscombe domain against
			// 134.3 in linear units (linear better on 5 of 9).
			final Normalization norm = given != null ? given.normalization() : Normalization.of(statistics);
			// Camera noise of each measured pixel, once per plane: its largest sets the clipping range,
			// each chunk's go to the device.
			final List<float[]> cameraSigmas = pg == null ? null : statistics.stream().map(p -> cameraSigma(
				pg, p, w, h)).toList();
			final String how = estimated ? " (estimated)" : "";
			double sigmaY;
			if (pg == null) {
				final double sigmaIn = resolved.domainSigma();
				sigmaY = sigmaIn * norm.scale();
				report.add(label + "measurement noise gaussian sigma " + String.format(Locale.ROOT, "%.4g",
					sigmaIn) + how);
			}
			else {
				double max = 0;
				for (final float[] s : cameraSigmas) for (final float v : s) max = Math.max(max, v);
				sigmaY = max * norm.scale();
				report.add(label + "measurement noise " + String.format(Locale.ROOT,
					"poisson-gaussian:%.4g,%.4g,%.4g", pg.gain(), pg.offset(), pg.read()) + how +
					" (each pixel's own variance)");
			}
			// An estimate this far below the model's smallest level is noise of the estimate itself.
			final boolean noiseless = sigmaY == 0 || estimated && sigmaY < 0.5 * model.schedule().sigmaMin();
			if (noiseless && sigmaY > 0) {
				report.add(label + "that is below half the model's smallest noise level: restored as noiseless");
			}
			if (model.lowestLevel() > 0) {
				report.add(label + "the model was trained on noisy images: it is not asked below level " +
					String.format(Locale.ROOT, "%.4g", model.lowestLevel() / norm.scale()) + " (in the image's " +
					"units), so detail finer than that noise is not restored");
			}
			if (sigmaY > model.schedule().sigmaMax()) {
				throw new IllegalArgumentException("The noise level is beyond what the model was trained " +
					"for: check the noise (noise=" + noise + ").");
			}
			final double clipSigma = noiseless ? 0 : sigmaY;
			final Normalization.Mapping clip = norm.at(clipSigma);
			// Started at the first guess below the top, the guess must lie under more noise than the
			// measurements carry.
			final double level = start > 0 ? Math.max(start, 2 * clipSigma) : 0;
			final boolean[] split = { false };
			report.add(label + Defaults.estimate(count, steps) + (o.resample() > 1 ? ", " + o.resample() +
				" rounds each" : "") + (level > 0 ? String.format(Locale.ROOT, ", started at noise level %.3g " +
					"from a smooth first guess", level) : ", started from pure noise"));
			// -Ddiffusion.shrink=true shrinks inpainting's mean of several samples toward the first guess
			// hole by hole (Shrink), to measure: fewer hard cases lose to the classical fill, at a lower
			// median (docs/defaults.md); not the default.
			final boolean shrink = factor == 1 && count > 1 && level > 0 && Boolean.getBoolean(
				"diffusion.shrink");
			return new Stacks.Channel() {

				private final Stacks.Ahead<Host> ahead = new Stacks.Ahead<>(this::host);
				/** The first guesses of the chunks restored and not yet refined (both on the walk's thread). */
				private final java.util.Map<int[], float[]> guesses = new java.util.IdentityHashMap<>();

				@Override
				public void prepare(final int[] chunk) {
					ahead.prepare(chunk);
				}

				/**
				 * A chunk's host arrays: the known pixels (inpainting), the measurements and the first guess
				 * (null where the run starts from pure noise, or from the blocks spread on the device).
				 */
				private Host host(final int[] chunk) {
					// Missing pixels enter y at the low percentile (normalized); the mask leaves them out.
					float[] known = null;
					if (factor == 1) {
						known = new float[chunk.length * w * h];
						for (int k = 0; k < chunk.length; k++) {
							final float[] p = planes.get(chunk[k]);
							for (int i = 0; i < p.length; i++) known[k * w * h + i] = Float.isFinite(p[i]) ? 1 : 0;
						}
					}
					final float[] y = Stacks.normalized(planes, chunk, w, h, norm, clipSigma);
					if (!(level > 0) || factor > 1 && BLOCK_GUESS) return new Host(known, y, null);
					if (factor > 1) {
						// From the measurements as the network is given them (clipped): the cubic kernel's
						// negative lobes and the back-projection would spread a hot pixel's full value.
						final float[] guess = new float[chunk.length * W * H];
						java.util.stream.IntStream.range(0, chunk.length).parallel().forEach(k -> System.arraycopy(
							Upsample.firstGuess(java.util.Arrays.copyOfRange(y, k * w * h, (k + 1) * w * h), w, h, factor),
							0, guess, k * W * H, W * H));
						return new Host(known, y, guess);
					}
					// The hole fills one plane at a time (a large hole's solver takes hundreds of MB).
					final List<float[]> filled = new java.util.ArrayList<>();
					final int[] order = new int[chunk.length];
					for (int k = 0; k < chunk.length; k++) {
						filled.add(Fill.firstGuess(planes.get(chunk[k]), w, h));
						order[k] = k;
					}
					return new Host(known, y, Stacks.normalized(filled, order, W, H, norm, clipSigma));
				}

				@Override
				public NDList restore(final NDManager m, final TiledDenoiser tiled, final int[] chunk,
					final Moments.ChainNoise noise, final SamplingListener progress)
				{
					final Host host = ahead.take(chunk);
					if (shrink) guesses.put(chunk, host.guess());
					final Shape measured = new Shape(chunk.length, 1, h, w);
					final NDArray y = Stacks.create(m, host.y(), chunk.length, w, h);
					final Measurement a = factor == 1 ? Measurement.Mask.of(m, host.known(), measured)
						: new Measurement.Binning(factor);
					final NDArray guess = host.guess() != null ? Stacks.create(m, host.guess(), chunk.length, W, H)
						: level > 0 ? a.pseudoInverse(y) : null;
					final long[] state = { chunk.length, 1, H, W };
					final int perPass = Moments.perPass(count, (long) chunk.length * H * W, y.getDevice(), split,
						report, label);
					return ConsistentSampling.samples(tiled, a, y, state, noiseless ? null : noiseMap(m, chunk,
						measured), model.schedule(), o.sampler(), steps, o.resample(), count, perPass, o.std() || shrink,
						noise, progress, guess, level);
				}

				/** Each measurement's noise in model units: one level, or camera noise pixel by pixel. */
				private NDArray noiseMap(final NDManager m, final int[] chunk, final Shape shape) {
					if (pg == null) return m.full(shape, (float) sigmaY);
					final float[] s = new float[chunk.length * w * h];
					for (int k = 0; k < chunk.length; k++) {
						final float[] p = cameraSigmas.get(chunk[k]);
						for (int i = 0; i < p.length; i++) s[k * w * h + i] = (float) (p[i] * norm.scale());
					}
					return m.create(s, shape);
				}

				@Override
				public void refine(final int[] chunk, final float[] mean, final float[] std) {
					final float[] guess = guesses.remove(chunk);
					if (guess == null || std == null) return;
					java.util.stream.IntStream.range(0, chunk.length).parallel().forEach(k -> {
						final float[] p = planes.get(chunk[k]);
						final boolean[] hole = new boolean[p.length];
						for (int i = 0; i < p.length; i++) hole[i] = !Float.isFinite(p[i]);
						Shrink.towardGuess(mean, std, guess, k * w * h, hole, w, h, count);
					});
				}

				@Override
				public void back(final int plane, final float[] mean, final float[] std, final int offset,
					final float[] out, final float[] sd, final int from, final int to)
				{
					final float[] measured = planes.get(plane);
					for (int i = from; i < to; i++) {
						// Known pixels of an inpainting come back exactly as measured, with no spread.
						if (factor == 1 && Float.isFinite(measured[i])) {
							out[i] = measured[i];
							if (sd != null) sd[i] = 0;
							continue;
						}
						// A super-resolved block gets back what its measured pixel lost to clipping, so
						// that binning still gives the input.
						final float lost = factor == 1 ? 0 : clip.excess(measured[(i / W / factor) * w + (i % W) /
							factor]);
						out[i] = clip.fromModel(mean[offset + i] + lost);
						if (sd != null) sd[i] = (float) (std[offset + i] / norm.scale());
					}
				}
			};
		});
	}

	/**
	 * Each measured pixel's camera noise (ADU), 0 where it is missing: the variance at the pixel's
	 * 3 x 3 local mean (its own noisy value would make dark pixels look noiseless, sigma 0 below
	 * -b / gain), and never below half an electron's worth, gain / 2.
	 */
	static float[] cameraSigma(final NoiseModel.PoissonGaussian pg, final float[] plane, final int w,
		final int h)
	{
		final float[] out = new float[plane.length];
		for (int y = 0; y < h; y++) {
			for (int x = 0; x < w; x++) {
				if (!Float.isFinite(plane[y * w + x])) continue;
				double sum = 0;
				int n = 0;
				for (int dy = Math.max(0, y - 1); dy <= Math.min(h - 1, y + 1); dy++) {
					for (int dx = Math.max(0, x - 1); dx <= Math.min(w - 1, x + 1); dx++) {
						final float v = plane[dy * w + dx];
						if (Float.isFinite(v)) {
							sum += v;
							n++;
						}
					}
				}
				out[y * w + x] = (float) Math.max(pg.gain() / 2, pg.sigmaAt(sum / n));
			}
		}
		return out;
	}

	/** The sampler an inverse problem takes (any noise model is), checked before any work. */
	static void check(final String sampler) {
		ConsistentSampling.eta(sampler);
	}

	/** One chunk's host arrays (row-major planes one after another); known and guess may be null. */
	private record Host(float[] known, float[] y, float[] guess) {}
}
