package sc.fiji.diffusion.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Set;

import sc.fiji.diffusion.engine.Devices;
import sc.fiji.diffusion.engine.Family;
import sc.fiji.diffusion.engine.Generation;
import sc.fiji.diffusion.engine.NetworkDenoiser;
import sc.fiji.diffusion.engine.Precision;
import sc.fiji.diffusion.engine.Sampler;
import sc.fiji.diffusion.engine.SceneStatistics;
import sc.fiji.diffusion.engine.data.SyntheticScenes;
import sc.fiji.diffusion.model.ModelCard;
import sc.fiji.diffusion.model.ModelCatalog;
import sc.fiji.diffusion.model.ModelFolder;

/**
 * Unconditional samples of a model set beside its training scenes: distance of the radially averaged
 * power spectrum and of the intensity histogram, and the same distances between two independent sets
 * of training scenes. Prints one Markdown table row; optionally writes the samples as a PNG grid.
 */
final class CompareVerb {

	static final Set<String> KEYS = Set.of("model", "count", "steps", "sampler", "seed", "device",
		"precision", "grid", "batch");

	int run(final String[] args, final PrintStream out, final PrintStream err) throws UsageException,
		IOException
	{
		final Options o = new Options(args, 1, KEYS);
		final String deviceName = o.parsed("device", "auto", Devices::check);
		o.parsed("precision", "auto", Precision::check);
		if (o.has("grid")) {
			sc.fiji.diffusion.engine.PartialFiles.requireWritableFile(Paths.get(o.get("grid", "")),
				err::println);
		}
		final Path folder = ModelCatalog.standard().resolve(o.required("model"));
		final ModelCard card = ModelFolder.card(folder);
		final Family family = card.family();
		final String samplerName = o.get("sampler", SampleVerb.defaultSampler(family));
		final Sampler sampler = o.parsed("sampler", samplerName, Sampler::byName);
		final int steps = o.integer("steps", SampleVerb.defaultSteps(family));
		final int count = o.integer("count", 64), n = card.patch(), batch = o.integer("batch", 8);
		final long seed = o.longValue("seed", 0);
		if (count < 2) throw new UsageException("--count must be at least 2.");
		Options.check(() -> Generation.check(count, n, card.network().sizeMultiple(), steps, batch));
		Natives.configure(deviceName);
		final long start = System.nanoTime();
		final float[][] samples;
		final ai.djl.Device device = Devices.choose(deviceName, err::println);
		try (NetworkDenoiser model = ModelFolder.load(folder, device, o.precision(device))) {
			samples = Generation.sample(model, sampler, count, n, steps, batch, seed, new SampleVerb.Progress(
				err, steps));
		}
		final double seconds = (System.nanoTime() - start) / 1e9;
		final float[][] scenes = scenes(count, n, 101), others = scenes(count, n, 202);
		out.println("| model | sampler, evaluations | samples | spectrum distance: samples / two scene " +
			"sets | histogram distance: samples / two scene sets | seconds |");
		out.println("| --- | --- | --- | --- | --- | --- |");
		out.printf("| %s | %s, %d | %d of %d x %d | %.3f / %.3f | %.3f / %.3f | %.0f |%n", card.name(),
			samplerName, steps, count, n, n, SceneStatistics.spectrumDistance(samples, scenes, n),
			SceneStatistics.spectrumDistance(others, scenes, n), SceneStatistics.histogramDistance(samples,
				scenes), SceneStatistics.histogramDistance(others, scenes), seconds);
		if (o.has("grid")) {
			ImageFiles.writePngGrid(samples, n, (int) Math.ceil(Math.sqrt(count)), Paths.get(o.get("grid",
				"")));
		}
		return 0;
	}

	/** Training scenes as the trainer draws them (all kinds mixed), from an independent seed. */
	static float[][] scenes(final int count, final int n, final long seed) {
		final SyntheticScenes s = new SyntheticScenes(seed);
		final float[][] out = new float[count][];
		for (int i = 0; i < count; i++) out[i] = s.next(n, n);
		return out;
	}
}
