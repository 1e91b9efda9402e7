package sc.fiji.diffusion.restore;

import java.util.function.Consumer;

import sc.fiji.diffusion.engine.NetworkDenoiser;
import sc.fiji.diffusion.engine.Sampler;
import sc.fiji.diffusion.engine.SamplingListener;

/**
 * How to restore, shared by all tasks.
 *
 * @param model the loaded model
 * @param sampler sampler name (see {@link sc.fiji.diffusion.engine.Sampler#byName}); used when
 *          samples > 0 and by the inverse problems
 * @param steps sampler steps of one sample, 0 for the task's default ({@link Defaults})
 * @param samples 0 for the task's default estimate ({@link Defaults}: the posterior mean by Tweedie
 *          for denoising, the mean of a few samples for the inverse problems), else the number of
 *          posterior samples whose mean is returned
 * @param std also return the samples' standard deviation (needs samples >= 2)
 * @param seed noise seed: same seed, device and precision, same result, at any tile size
 * @param tile 0 (automatic: windows per network call sized from the device's free memory, see
 *          {@link TiledDenoiser#windowsPerCall}), or a tile side in pixels, at least the model's
 *          training patch: one network call then takes tile^2 x tileBatch pixels' worth of the
 *          task's windows, at least one (capped by memory); memory and speed only, the result does
 *          not change
 * @param tileBatch tiles per network call
 * @param resample RePaint rounds per step of inpainting and super-resolution (1 = none)
 * @param start noise level (model units) from which inpainting and super-resolution start at their
 *          first guess; 0 from pure noise at the top of the schedule, negative for the task's
 *          default
 * @param progress hears (done, total) work units and may throw CancellationException
 * @param log hears what was chosen or estimated (noise level, clamping)
 * @param channels each channel's noise model and normalization, computed once for a whole volume
 *          from a sample ({@link ChannelSetup#of}) so that its blocks are restored alike; null: each
 *          restoration computes them from its own planes
 * @param field where the planes lie in a volume, so that the samplers' noise is drawn by position
 *          ({@link NoiseField}); null: from the seed
 * @param patchWindows every task in windows of the model's patch (a volume's blocks, whose halos
 *          then stay small), not its own ({@link Defaults#window})
 */
public record RestoreOptions(NetworkDenoiser model, String sampler, int steps, int samples,
	boolean std, long seed, int tile, int tileBatch, int resample, double start,
	SamplingListener progress, Consumer<String> log, java.util.List<ChannelSetup> channels,
	NoiseField field, boolean patchWindows)
{

	/** Start level -1: each inverse problem's default ({@link Defaults#start}). */
	public static final double DEFAULT_START = -1;

	/** Tile 0: windows per call from the device's memory. */
	public static final int AUTO_TILE = 0, DEFAULT_TILE = AUTO_TILE, DEFAULT_TILE_BATCH = 4;

	public RestoreOptions {
		if (model == null) throw new IllegalArgumentException("No model given.");
		check(sampler, steps, samples, std, tile, resample);
		if (tileBatch < 1) throw new IllegalArgumentException("Tiles per batch must be at least 1.");
		if (!Double.isFinite(start)) throw new IllegalArgumentException("The start level must be a number.");
		if (progress == null) progress = SamplingListener.NONE;
		if (log == null) log = s -> {};
		if (model.network().config().sizeMultiple() < 1) {
			throw new IllegalStateException("Model without a size multiple.");
		}
	}

	/**
	 * Checks the values that need no model, as the constructor does, and those that depend on the
	 * task: the command line and the commands call it before they load one. The sampler is checked
	 * even where it is not used (the posterior mean), so that a typing error never passes silently.
	 *
	 * @throws IllegalArgumentException saying which value is wrong and what to give
	 */
	public static void check(final Defaults.Task task, final String sampler, final int steps,
		final int samples, final boolean std, final int tile, final int resample)
	{
		check(sampler, steps, samples, std, tile, resample);
		checkSpread(task, samples, std);
	}

	/** A standard deviation needs samples: a single draw or denoising's posterior mean has none. */
	static void checkSpread(final Defaults.Task task, final int samples, final boolean std) {
		if (std && Defaults.samples(task, samples) < 2) {
			throw new IllegalArgumentException("A standard deviation needs at least 2 samples" + (samples == 0
				? " (the posterior mean of denoising has none)" : "") + ": set samples=2 or more.");
		}
	}

	private static void check(final String sampler, final int steps, final int samples,
		final boolean std, final int tile, final int resample)
	{
		Sampler.byName(sampler);
		if (steps < 0) {
			throw new IllegalArgumentException("Steps must be 0 (the task's default) or 1 to " + Sampler.MAX_STEPS +
				", got " + steps + ".");
		}
		if (steps != 0) Sampler.checkSteps(steps);
		if (samples < 0) throw new IllegalArgumentException("Samples must not be negative.");
		if (std && samples == 1) checkSpread(Defaults.Task.DENOISE, samples, std);
		if (tile < 0) {
			throw new IllegalArgumentException("Tile size must be 0 (automatic) or a side in pixels, got " + tile +
				".");
		}
		if (resample < 1) throw new IllegalArgumentException("Resampling rounds must be at least 1.");
	}

	/** A tile against the model's training patch (read from its card before loading it). */
	public static void checkTile(final int tile, final int patch) {
		if (tile != AUTO_TILE && tile < patch) {
			throw new IllegalArgumentException("Tile size " + tile + " is smaller than the model's " +
				"training patch " + patch + ": use tiles of at least " + patch + " pixels (tile=" + patch + "), or " +
				"tile=0 to size them from the memory.");
		}
	}

	public static RestoreOptions defaults(final NetworkDenoiser model, final String sampler,
		final int steps)
	{
		return new RestoreOptions(model, sampler, steps, 0, false, 0, DEFAULT_TILE, DEFAULT_TILE_BATCH, 1,
			DEFAULT_START, null, null, null, null, false);
	}

	public RestoreOptions withSamples(final int k, final boolean withStd) {
		return new RestoreOptions(model, sampler, steps, k, withStd, seed, tile, tileBatch, resample, start, progress, log, channels, field, patchWindows);
	}

	public RestoreOptions withResample(final int rounds) {
		return new RestoreOptions(model, sampler, steps, samples, std, seed, tile, tileBatch, rounds,
			start, progress, log, channels, field, patchWindows);
	}

	public RestoreOptions withTile(final int t) {
		return withTiling(t, tileBatch);
	}

	/** Tile side and tiles per network call (memory only; the result does not change). */
	public RestoreOptions withTiling(final int t, final int batch) {
		return new RestoreOptions(model, sampler, steps, samples, std, seed, t, batch, resample, start, progress,
			log, channels, field, patchWindows);
	}

	/**
	 * Half the windows per call of this tiling (explicit tiles of the window's multiples, one tile per
	 * call), after the device ran out of memory with it; null when a call of one window failed.
	 *
	 * @param perCall the windows per call that failed
	 */
	public RestoreOptions halved(final Defaults.Task task, final int perCall) {
		final int window = TiledDenoiser.window(model, tiling(task));
		if (perCall <= 1) return null;
		final int side = (int) Math.max(1, Math.floor(Math.sqrt(perCall / 2.0)));
		return withTiling(side * window, 1);
	}

	/** Every task in windows of the model's patch (see the record's patchWindows). */
	public RestoreOptions withPatchWindows() {
		return new RestoreOptions(model, sampler, steps, samples, std, seed, tile, tileBatch, resample,
			start, progress, log, channels, field, true);
	}

	/** The task whose windows a restoration of this kind takes: its own, or denoising's (the patch's). */
	public Defaults.Task tiling(final Defaults.Task kind) {
		return patchWindows ? Defaults.Task.DENOISE : kind;
	}

	/** Start level of the inverse problems (see the record's start). */
	public RestoreOptions withStart(final double level) {
		return new RestoreOptions(model, sampler, steps, samples, std, seed, tile, tileBatch, resample,
			level, progress, log, channels, field, patchWindows);
	}

	/** Each channel's noise model and normalization fixed (see {@link ChannelSetup}). */
	public RestoreOptions withChannels(final java.util.List<ChannelSetup> c) {
		return new RestoreOptions(model, sampler, steps, samples, std, seed, tile, tileBatch, resample,
			start, progress, log, c == null ? null : java.util.List.copyOf(c), field, patchWindows);
	}

	/** The samplers' noise drawn by position in a volume (see {@link NoiseField}). */
	public RestoreOptions withField(final NoiseField f) {
		return new RestoreOptions(model, sampler, steps, samples, std, seed, tile, tileBatch, resample,
			start, progress, log, channels, f, patchWindows);
	}

	public RestoreOptions withSeed(final long s) {
		return new RestoreOptions(model, sampler, steps, samples, std, s, tile, tileBatch, resample, start, progress, log, channels, field, patchWindows);
	}

	public RestoreOptions withProgress(final SamplingListener p, final Consumer<String> l) {
		return new RestoreOptions(model, sampler, steps, samples, std, seed, tile, tileBatch, resample,
			start, p, l, channels, field, patchWindows);
	}
}
