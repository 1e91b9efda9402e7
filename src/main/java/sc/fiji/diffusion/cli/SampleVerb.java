package sc.fiji.diffusion.cli;

import ai.djl.Device;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Set;

import sc.fiji.diffusion.engine.Devices;
import sc.fiji.diffusion.engine.Family;
import sc.fiji.diffusion.engine.Generation;
import sc.fiji.diffusion.engine.NetworkDenoiser;
import sc.fiji.diffusion.engine.Pace;
import sc.fiji.diffusion.engine.Precision;
import sc.fiji.diffusion.engine.Sampler;
import sc.fiji.diffusion.model.ModelCard;
import sc.fiji.diffusion.model.ModelCatalog;
import sc.fiji.diffusion.model.ModelFolder;

/** Unconditional samples of a model: a 32-bit TIFF stack and a PNG grid beside it. */
final class SampleVerb {

	static final Set<String> KEYS = Set.of("model", "output", "count", "size", "steps", "sampler",
		"seed", "device", "precision", "batch");

	/** The sampler a family was built for, and its default number of network evaluations. */
	static String defaultSampler(final Family family) {
		return family == Family.DDPM ? "ddpm" : "langevin";
	}

	static int defaultSteps(final Family family) {
		return family == Family.DDPM ? 250 : 500;
	}

	int run(final String[] args, final PrintStream out, final PrintStream err) throws UsageException,
		IOException
	{
		final Options o = new Options(args, 1, KEYS);
		final String modelName = o.required("model");
		final Path output = Paths.get(o.required("output"));
		if (!output.getFileName().toString().toLowerCase().matches(".*\\.tiff?")) {
			throw new UsageException("--output must name a .tif file; a PNG is written beside it.");
		}
		final int count = o.integer("count", 16);
		final int batch = o.integer("batch", 8);
		final long seed = o.longValue("seed", 0);
		final String deviceName = o.parsed("device", "auto", Devices::check);
		o.parsed("precision", "auto", Precision::check);
		final Path png = output.resolveSibling(output.getFileName().toString().replaceFirst(
			"\\.tiff?$", ".png"));
		sc.fiji.diffusion.engine.PartialFiles.requireWritableFile(output, err::println);
		sc.fiji.diffusion.engine.PartialFiles.requireWritableFile(png, err::println);
		final Path folder = ModelCatalog.standard().resolve(modelName);
		final ModelCard card = ModelFolder.card(folder);
		final String samplerName = o.get("sampler", defaultSampler(card.family()));
		final Sampler sampler = o.parsed("sampler", samplerName, Sampler::byName);
		final int steps = o.integer("steps", defaultSteps(card.family()));
		final int size = o.integer("size", card.patch());
		Options.check(() -> Generation.check(count, size, card.network().sizeMultiple(), steps, batch));
		Natives.configure(deviceName);
		final Device device = Devices.choose(deviceName, err::println);
		final float[][] images;
		final long start = System.nanoTime();
		try (NetworkDenoiser model = ModelFolder.load(folder, device, o.precision(device))) {
			err.println("Sampling " + count + " images of " + size + " x " + size + " from " + folder +
				" on " + device + " in " + model.precision() + " precision with " + samplerName + ", " +
				steps + " steps");
			images = Generation.sample(model, sampler, count, size, steps, batch, seed, new Progress(err, steps));
		}
		ImageFiles.writeTiff(images, size, size, output);
		ImageFiles.writePngGrid(images, size, (int) Math.ceil(Math.sqrt(count)), png);
		out.printf("Wrote %s and %s in %.1f s%n", output, png, (System.nanoTime() - start) / 1e9);
		return 0;
	}

	/**
	 * Percent done on stderr: every tenth, and in between at least every few seconds with the time
	 * left; after the first step of a long run (more than {@link Pace#LONG_RUN} steps), how long it
	 * will take in all.
	 */
	static final class Progress implements sc.fiji.diffusion.engine.SamplingListener {

		static final double EVERY_SECONDS = 5;

		private final PrintStream err;
		private final boolean longRun;
		private final Pace pace = new Pace();
		private int lastTenth = -1;
		private double lastLine;

		Progress(final PrintStream err, final int steps) {
			this.err = err;
			this.longRun = steps > Pace.LONG_RUN;
		}

		@Override
		public void stepDone(final int done, final int total) {
			final int tenth = (int) (10L * done / Math.max(1, total));
			final double now = pace.seconds();
			if (lastTenth < 0 && longRun && done < total) {
				err.println("  " + Pace.percent(done, total) + " after the first step: " + pace.estimate(done,
					total));
			}
			else if (tenth != lastTenth) err.println("  " + tenth * 10 + "%" + pace.left(done, total));
			else if (now - lastLine >= EVERY_SECONDS) err.println("  " + pace.describe(done, total));
			else return;
			lastTenth = tenth;
			lastLine = now;
		}
	}
}
