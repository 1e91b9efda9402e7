package sc.fiji.diffusion.cli;

import ai.djl.Device;

import ij.ImagePlus;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashSet;
import java.util.Set;

import net.imglib2.RandomAccessibleInterval;

import sc.fiji.diffusion.engine.Devices;
import sc.fiji.diffusion.engine.NetworkDenoiser;
import sc.fiji.diffusion.engine.PartialFiles;
import sc.fiji.diffusion.ij.ImageJFiles;
import sc.fiji.diffusion.engine.Precision;
import sc.fiji.diffusion.ij.ImagePlusImgs;
import sc.fiji.diffusion.model.ModelCatalog;
import sc.fiji.diffusion.model.ModelFolder;
import sc.fiji.diffusion.restore.Defaults;
import sc.fiji.diffusion.restore.NoiseModel;
import sc.fiji.diffusion.restore.RestoreOptions;
import sc.fiji.diffusion.restore.Result;

/**
 * What the three restoration verbs share: reading the input TIFF, the model and the options, writing
 * the 32-bit result (and the standard deviation) through temporary names, never over the input.
 */
abstract class RestoreVerb {

	/** The model of a restoration without --model: picked by device (see ModelCatalog.choose). */
	static final String DEFAULT_MODEL = ModelCatalog.AUTO;
	static final Set<String> COMMON = Set.of("input", "output", "samples", "std", "steps", "sampler",
		"seed", "device", "precision", "tile", "model");

	/** The restoration this verb runs (super-resolution by its factor). */
	abstract Defaults.Task task(Options o) throws UsageException;

	/** Keys beyond {@link #COMMON}. */
	abstract Set<String> extraKeys();

	/** Checks the task's own values before anything loads. */
	void check(final Options o, final String sampler) throws UsageException {}

	/**
	 * Reads the task's own files (the mask) before the model loads, so that a bad one is refused
	 * before the work.
	 */
	void read(final Options o, final PrintStream err) throws IOException {}

	/** Runs the restoration on the wrapped input. */
	abstract Result restore(RandomAccessibleInterval<?> input, ImagePlus imp, NoiseModel noise,
		Options o, RestoreOptions r) throws UsageException, IOException;

	/** Pixel size divisor of the output (the super-resolution factor). */
	int factor(final Options o) throws UsageException {
		return 1;
	}

	final int run(final String[] args, final PrintStream out, final PrintStream err)
		throws UsageException, IOException
	{
		final Set<String> keys = new HashSet<>(COMMON);
		keys.addAll(extraKeys());
		final Options o = new Options(args, 1, keys);
		final Path input = Paths.get(o.required("input"));
		final Path output = Paths.get(o.required("output"));
		final Path std = o.has("std") ? Paths.get(o.get("std", "")) : null;
		requireTiff(output, "--output");
		if (std != null) requireTiff(std, "--std");
		if (sameFile(input, output) || std != null && (sameFile(input, std) || sameFile(output, std))) {
			throw new UsageException("--output and --std must differ from --input and from each other: " +
				"the input is never overwritten.");
		}
		// Every value is checked before anything loads, also those this run does not use.
		final Defaults.Task task = task(o);
		final int samples = o.integer("samples", 0), steps = o.integer("steps", 0), tile = o
			.integer("tile", RestoreOptions.DEFAULT_TILE), resample = o.integer("resample", 1);
		final long seed = o.longValue("seed", 0);
		// Ancestral steps for both families: annealed Langevin targets the prior, not the posterior.
		final String sampler = o.get("sampler", "ddpm");
		Options.check(() -> RestoreOptions.check(task, sampler, steps, samples, std != null, tile,
			resample));
		final NoiseModel noise = o.parsed("noise", "auto", NoiseModel::parse);
		check(o, sampler);
		final String deviceName = o.parsed("device", "auto", Devices::check);
		o.parsed("precision", "auto", Precision::check);
		Natives.configure(deviceName);
		// libtorch's libraries load (about half a second, one core) while this thread reads the cards,
		// the input and the mask; Devices.choose below waits for them, and reports what failed. A usage
		// error found meanwhile ends the call all the same (a daemon thread).
		final Thread engine = new Thread(() -> {
			try {
				ai.djl.engine.Engine.getEngine("PyTorch");
			}
			catch (final RuntimeException | Error e) {
				// Devices.choose starts the engine again and says why it cannot.
			}
		}, "diffusion-ij engine start");
		engine.setDaemon(true);
		engine.start();
		// The model's card before anything loads; auto's choice depends on the device, so the tile is
		// checked now against the smaller patch of what it would pick on either, and below against the
		// model chosen.
		final String modelName = o.get("model", DEFAULT_MODEL);
		final ModelCatalog catalog = ModelCatalog.standard();
		final int smallest = Math.min(ModelFolder.card(catalog.choose(modelName, false, task.key(), s -> {})).patch(),
			ModelFolder.card(catalog.choose(modelName, true, task.key(), s -> {})).patch());
		Options.check(() -> RestoreOptions.checkTile(tile, smallest));
		// What can be refused is refused before the work: the outputs, the input, the model.
		PartialFiles.requireWritableFile(output, err::println);
		if (std != null) PartialFiles.requireWritableFile(std, err::println);
		final ImagePlus imp = ImageJFiles.open(input);
		final RandomAccessibleInterval<?> view = ImagePlusImgs.wrap(imp);
		read(o, err);
		final Device device = Devices.choose(deviceName, err::println);
		final Path folder = catalog.choose(modelName, device.isGpu(), task.key(), err::println);
		final int patch = ModelFolder.card(folder).patch();
		Options.check(() -> RestoreOptions.checkTile(tile, patch));
		final long start = System.nanoTime();
		final Result result;
		try (NetworkDenoiser model = ModelFolder.load(folder, device, o.precision(device))) {
			err.println("Model " + folder + " on " + device + " in " + model.precision() + " precision, " +
				model.networkPath());
			final RestoreOptions r = RestoreOptions.defaults(model, sampler, steps).withSamples(samples,
				std != null).withSeed(seed).withTile(tile).withResample(resample).withProgress(
					new SampleVerb.Progress(err, steps), err::println);
			result = restore(view, imp, noise, o, r);
		}
		for (final String line : result.report()) err.println(line);
		final int f = factor(o);
		final String title = output.getFileName().toString();
		final ImagePlus restored = ImagePlusImgs.toImagePlus(result.image(), imp, title, f);
		ImagePlusImgs.recordIn(restored, args[0], folder, result.report());
		ImageJFiles.saveTiff(restored, output);
		if (std != null) {
			ImageJFiles.saveTiff(ImagePlusImgs.toImagePlus(result.std(), imp, std.getFileName().toString(),
				f), std);
		}
		out.printf("Wrote %s%s in %.1f s%n", output, std == null ? "" : " and " + std, (System.nanoTime() -
			start) / 1e9);
		return 0;
	}

	static int channelAxis(final ImagePlus imp) {
		return imp.getNChannels() > 1 ? ImagePlusImgs.CHANNEL_AXIS : -1;
	}

	private static void requireTiff(final Path p, final String option) throws UsageException {
		if (!p.getFileName().toString().toLowerCase().matches(".*\\.tiff?")) {
			throw new UsageException(option + " must name a .tif file, got " + p + ".");
		}
	}

	private static boolean sameFile(final Path a, final Path b) {
		try {
			if (Files.exists(a) && Files.exists(b)) return Files.isSameFile(a, b);
		}
		catch (final IOException e) {
			// fall through to the path comparison
		}
		return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
	}
}
