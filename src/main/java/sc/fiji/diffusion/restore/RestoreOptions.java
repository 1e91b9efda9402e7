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
 * @param steps network evaluations of the full sampling grid
 * @param samples 0 for the posterior mean by Tweedie (denoising only), else the number of posterior
 *          samples whose mean is returned
 * @param std also return the samples' standard deviation (needs samples >= 2)
 * @param seed noise seed: same seed, device and precision, same result, at any tile size
 * @param tile tile side in pixels, at least the model's training patch: one network call takes
 *          (tile / patch)^2 x tileBatch windows of the patch size; memory only, the result does not
 *          change
 * @param tileBatch tiles per network call
 * @param resample RePaint rounds per step of inpainting and super-resolution (1 = none)
 * @param progress hears (done, total) work units and may throw CancellationException
 * @param log hears what was chosen or estimated (noise level, clamping)
 */
public record RestoreOptions(NetworkDenoiser model, String sampler, int steps, int samples,
	boolean std, long seed, int tile, int tileBatch, int resample, SamplingListener progress,
	Consumer<String> log)
{

	public static final int DEFAULT_TILE = 256, DEFAULT_TILE_BATCH = 4;

	public RestoreOptions {
		if (model == null) throw new IllegalArgumentException("No model given.");
		check(sampler, steps, samples, std, tile, resample);
		if (tileBatch < 1) throw new IllegalArgumentException("Tiles per batch must be at least 1.");
		if (progress == null) progress = SamplingListener.NONE;
		if (log == null) log = s -> {};
		if (model.network().config().sizeMultiple() < 1) {
			throw new IllegalStateException("Model without a size multiple.");
		}
	}

	/**
	 * Checks the values that need no model, as the constructor does: the command line and the
	 * commands call it before they load one. The sampler is checked even where it is not used (the
	 * posterior mean), so that a typing error never passes silently.
	 *
	 * @throws IllegalArgumentException saying which value is wrong and what to give
	 */
	public static void check(final String sampler, final int steps, final int samples,
		final boolean std, final int tile, final int resample)
	{
		Sampler.byName(sampler);
		Sampler.checkSteps(steps);
		if (samples < 0) throw new IllegalArgumentException("Samples must not be negative.");
		if (std && samples < 2) {
			throw new IllegalArgumentException("A standard deviation needs at least 2 samples: set " +
				"samples=2 or more.");
		}
		if (tile < 1) throw new IllegalArgumentException("Tile size must be positive.");
		if (resample < 1) throw new IllegalArgumentException("Resampling rounds must be at least 1.");
	}

	/** A tile against the model's training patch (read from its card before loading it). */
	public static void checkTile(final int tile, final int patch) {
		if (tile < patch) {
			throw new IllegalArgumentException("Tile size " + tile + " is smaller than the model's " +
				"training patch " + patch + ": use tiles of at least " + patch + " pixels (tile=" + patch + ").");
		}
	}

	public static RestoreOptions defaults(final NetworkDenoiser model, final String sampler,
		final int steps)
	{
		return new RestoreOptions(model, sampler, steps, 0, false, 0, DEFAULT_TILE, DEFAULT_TILE_BATCH, 1,
			null, null);
	}

	public RestoreOptions withSamples(final int k, final boolean withStd) {
		return new RestoreOptions(model, sampler, steps, k, withStd, seed, tile, tileBatch, resample, progress, log);
	}

	public RestoreOptions withResample(final int rounds) {
		return new RestoreOptions(model, sampler, steps, samples, std, seed, tile, tileBatch, rounds,
			progress, log);
	}

	public RestoreOptions withTile(final int t) {
		return withTiling(t, tileBatch);
	}

	/** Tile side and tiles per network call (memory only; the result does not change). */
	public RestoreOptions withTiling(final int t, final int batch) {
		return new RestoreOptions(model, sampler, steps, samples, std, seed, t, batch, resample, progress,
			log);
	}

	public RestoreOptions withSeed(final long s) {
		return new RestoreOptions(model, sampler, steps, samples, std, s, tile, tileBatch, resample, progress, log);
	}

	public RestoreOptions withProgress(final SamplingListener p, final Consumer<String> l) {
		return new RestoreOptions(model, sampler, steps, samples, std, seed, tile, tileBatch, resample, p,
			l);
	}
}
