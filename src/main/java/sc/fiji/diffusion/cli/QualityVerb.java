package sc.fiji.diffusion.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Set;

import sc.fiji.diffusion.benchmark.QualityBenchmark;
import sc.fiji.diffusion.engine.Devices;
import sc.fiji.diffusion.engine.NetworkDenoiser;
import sc.fiji.diffusion.engine.Precision;
import sc.fiji.diffusion.engine.Sampler;
import sc.fiji.diffusion.model.ModelCatalog;
import sc.fiji.diffusion.model.ModelFolder;

/** The quality benchmark: ours beside oracle-tuned classical methods; writes docs/quality.md. */
final class QualityVerb {

	static final Set<String> KEYS = Set.of("model", "count", "size", "noise", "steps", "samples",
		"seed", "device", "precision", "docs", "tasks", "scenes");

	int run(final String[] args, final PrintStream out, final PrintStream err) throws UsageException,
		IOException
	{
		final Options o = new Options(args, 1, KEYS);
		final String deviceName = o.parsed("device", "auto", Devices::check);
		o.parsed("precision", "auto", Precision::check);
		final String name = o.get("model", "ddpm-fluo");
		final int count = o.integer("count", 8), size = o.integer("size", 256), steps = o.integer("steps",
			0), samples = o.integer("samples", 0);
		final double noise = o.number("noise", 0.1);
		final long seed = o.longValue("seed", 9000);
		final java.util.Set<String> tasks = java.util.Arrays.stream(o.get("tasks", String.join(",",
			QualityBenchmark.TASKS)).split(",")).map(String::trim).collect(java.util.stream.Collectors
				.toCollection(java.util.LinkedHashSet::new));
		Options.check(() -> { if (steps != 0) Sampler.checkSteps(steps); });
		final QualityBenchmark.Settings s = Options.value(() -> new QualityBenchmark.Settings(count, size,
			noise, steps, samples, seed, tasks, o.get("scenes", QualityBenchmark.FIVE_KINDS)));
		if (s.count() < 1 || s.size() < 64 || s.size() % 4 != 0) {
			throw new UsageException("--count must be at least 1 and --size a multiple of 4 of at least 64.");
		}
		final Path docs = Paths.get(o.get("docs", "docs"));
		sc.fiji.diffusion.engine.PartialFiles.requireWritableFile(docs.resolve("quality.md"), err::println);
		final Path folder = ModelCatalog.standard().resolve(name);
		Natives.configure(deviceName);
		final String command = "java -jar target/diffusion-ij-cli.jar " + String.join(" ", args);
		final ai.djl.Device device = Devices.choose(deviceName, err::println);
		try (NetworkDenoiser model = ModelFolder.load(folder, device, o.precision(device))) {
			out.print(QualityBenchmark.run(model, name, s, docs, command, err));
		}
		return 0;
	}
}
