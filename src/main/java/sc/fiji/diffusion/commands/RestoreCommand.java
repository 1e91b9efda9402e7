package sc.fiji.diffusion.commands;

import ai.djl.Device;
import ai.djl.engine.EngineException;

import ij.ImagePlus;

import java.io.IOException;
import java.util.Locale;

import net.imglib2.RandomAccessibleInterval;

import org.scijava.ItemIO;
import org.scijava.plugin.Parameter;

import sc.fiji.diffusion.engine.NetworkDenoiser;
import sc.fiji.diffusion.model.ModelCatalog;
import sc.fiji.diffusion.engine.Precision;
import sc.fiji.diffusion.ij.ImagePlusImgs;
import sc.fiji.diffusion.restore.Defaults;
import sc.fiji.diffusion.restore.NoiseModel;
import sc.fiji.diffusion.restore.RestoreOptions;
import sc.fiji.diffusion.restore.TiledDenoiser;
import sc.fiji.diffusion.restore.Result;

/**
 * What the three restoration commands share: the macro keys model, steps, samples, sampler,
 * uncertainty, tile, device, precision and seed; the model from {@link DiffusionModelService}; progress and
 * cancel; a retry with smaller tiles when the GPU runs out of memory; the outputs as new images named
 * after the input. The work itself is one call of the restore layer.
 */
public abstract class RestoreCommand extends DiffusionCommand {

	/** Optional for SciJava, so that a missing image gets this command's message, not a generic one. */
	@Parameter(label = "Image", persist = false, required = false)
	protected ImagePlus image;

	@Parameter(label = "Noise", persist = false, description = "Noise of the input: auto (estimated, " +
		"reported in the log), none, gaussian:SIGMA, or poisson-gaussian:GAIN,OFFSET,READ " +
		"(camera ADU), in the values ImageJ shows for the image (calibrated ones when it is calibrated).")
	protected String noise = "auto";

	@Parameter(label = "Model", persist = false, description = "auto (the largest installed DDPM " +
		"model on a GPU, the smallest on the CPU among those whose card offers them for the task; said in " +
		"the Log), the name of an installed model (see " +
		"Diffusion Model Info) or the path of a model folder. Name the model for reproducible batches.")
	protected String model = ModelCatalog.AUTO;

	@Parameter(label = "Steps", persist = false, min = "0", description = "Sampler steps of one sample, 1 to " +
		"1000, or 0 for the task's default (50; " + Defaults.SUPER_RESOLVE_2_STEPS + " for super-resolution x2); the posterior mean of " +
		"denoising takes one evaluation.")
	protected int steps = 0;

	@Parameter(label = "Samples", persist = false, min = "0", description = "Posterior samples whose mean is the " +
		"result; 0 for the task's default estimate (denoising: the posterior mean, one evaluation; " +
		Defaults.IN_WORDS + "); 1 for a " +
		"single draw.")
	protected int samples = 0;

	@Parameter(label = "Sampler", persist = false, description = "ddpm (ancestral) or ddim:ETA; for denoising " +
		"samples also ddim, dpm++, pc, langevin.")
	protected String sampler = "ddpm";

	@Parameter(label = "Uncertainty", persist = false, description = "Also return the standard deviation of the " +
		"samples (needs samples >= 2).")
	protected boolean uncertainty = false;

	@Parameter(label = "Tile", persist = false, min = "0", description = "0: sized from the device's free memory; " +
		"else a tile side in pixels (smaller tiles need less memory). The result does not change.")
	protected int tile = RestoreOptions.DEFAULT_TILE;

	@Parameter(label = "Device", persist = false, choices = { Djl.AUTO, Djl.CPU, Djl.GPU })
	protected String device = Djl.AUTO;

	@Parameter(label = "Precision", persist = false, choices = { Djl.AUTO, Djl.FLOAT, Djl.HALF, Djl.BFLOAT16 },
		description = Djl.PRECISION_HELP)
	protected String precision = Djl.AUTO;

	@Parameter(label = "Seed", persist = false, description = "Same seed, device and precision: same " +
		"result.")
	protected long seed = 0;

	// Shown in this order: the restored image ends up the active one.
	@Parameter(type = ItemIO.OUTPUT, label = "Standard deviation", required = false)
	protected ImagePlus deviation;

	@Parameter(type = ItemIO.OUTPUT, label = "Restored")
	protected ImagePlus restored;

	/** Title suffix of the outputs, such as "denoised". */
	protected abstract String suffix();

	/** Pixel size divisor of the output (the super-resolution factor). */
	protected int factor() {
		return 1;
	}

	/** The restoration this command runs. */
	protected abstract Defaults.Task task();

	/** The task's own check of its values (sampler, factor), before a model is loaded. */
	protected void check() {}

	/** One call of the restore layer. */
	@SuppressWarnings("rawtypes")
	protected abstract Result restore(RandomAccessibleInterval image, int channelAxis,
		NoiseModel noiseModel, RestoreOptions options);

	@Override
	protected final void work(final Progress progress) throws IOException {
		final ImagePlus imp = requireImage(image, "image");
		// The values first, with the command line's checks: a typing error stops before anything loads.
		final NoiseModel noiseModel = NoiseModel.parse(noise);
		RestoreOptions.check(task(), sampler, steps, samples, uncertainty, tile, 1);
		check();
		Precision.check(precision);
		final RandomAccessibleInterval<?> view = ImagePlusImgs.wrap(imp);
		final Device d = Djl.device(device, this::status, this::info);
		final Result result;
		final java.nio.file.Path folder = models.catalog().choose(model, d.isGpu(), task().key(), this::info);
		try (DiffusionModelService.Lease lease = models.lease(folder.toString(), d, Precision.choose(
			precision, d)))
		{
			final NetworkDenoiser net = lease.model();
			RestoreOptions o = RestoreOptions.defaults(net, sampler, steps).withSamples(samples, uncertainty)
				.withSeed(seed).withTile(tile).withProgress(progress, this::info);
			final int channelAxis = imp.getNChannels() > 1 ? ImagePlusImgs.CHANNEL_AXIS : -1;
			Result done = null;
			while (done == null) {
				try {
					done = restore(view, channelAxis, noiseModel, o);
				}
				catch (final EngineException e) {
					if (!sc.fiji.diffusion.engine.Devices.outOfMemory(e)) throw e;
					final int failed = TiledDenoiser.windowsPerCall(net, o.tiling(task()), o.tile(), o.tileBatch(),
						null);
					TiledDenoiser.ranOutOfMemoryAt(net, o.tiling(task()), failed);
					final RestoreOptions smaller = o.halved(task(), failed);
					if (smaller == null) {
						throw new IllegalArgumentException("The " + d + " ran out of memory even with one window of " +
							TiledDenoiser.window(net, o.tiling(task())) + " pixels per call: use device=CPU" + (net.precision() ==
								Precision.FLOAT ? ", or precision=Half (half the memory)" : "") + ", or close other " +
							"programs that use the GPU.");
					}
					o = smaller;
					info("Out of memory on " + d + " with " + failed + " windows per call: retrying with tile " + o
						.tile() + ", one tile per call");
				}
			}
			result = done;
		}
		for (final String line : result.report()) info(line);
		final String base = baseTitle(imp) + "-" + suffix();
		restored = ImagePlusImgs.toImagePlus(result.image(), imp, base, factor());
		ImagePlusImgs.recordIn(restored, suffix(), folder, result.report());
		deviation = result.std() == null ? null : ImagePlusImgs.toImagePlus(result.std(), imp, base +
			"-std", factor());
	}

	/** File extensions taken off a title; other dots belong to the name ("exposure 0.25"). */
	private static final java.util.regex.Pattern EXTENSION = java.util.regex.Pattern.compile(
		"(?i)\\.(ome\\.tiff?|tiff?|png|jpe?g|gif|bmp|czi|lif|nd2|lsm|oib|oif|ims|zvi|ics|ids|dv|stk|fits?|pgm|raw|zip)$");

	/** The title without its file extension. */
	static String baseTitle(final ImagePlus imp) {
		final String t = imp.getTitle();
		final String base = EXTENSION.matcher(t).replaceFirst("");
		return base.isEmpty() ? t : base;
	}
}
