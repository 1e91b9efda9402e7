package sc.fiji.diffusion.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import sc.fiji.diffusion.benchmark.Metrics;
import sc.fiji.diffusion.benchmark.QualityBenchmark;
import sc.fiji.diffusion.benchmark.Throughput;
import sc.fiji.diffusion.engine.Devices;
import sc.fiji.diffusion.engine.NetworkDenoiser;
import sc.fiji.diffusion.engine.Precision;
import sc.fiji.diffusion.engine.SyntheticPatches;
import sc.fiji.diffusion.engine.Trainer;
import sc.fiji.diffusion.model.ModelCard;
import sc.fiji.diffusion.model.ModelCatalog;
import sc.fiji.diffusion.model.ModelFolder;

/**
 * Speed and memory of each installed model on this machine: seconds per network evaluation on a
 * 256 x 256 tile, training seconds per step at the card's batch and patch, and the process's peak
 * resident memory (libtorch allocates outside the Java heap, so the heap alone says little).
 */
final class BenchmarkVerb {

	static final Set<String> KEYS = Set.of("models", "device", "precision", "repeats", "tile",
		"restorations", "throughput", "batches");

	int run(final String[] args, final PrintStream out, final PrintStream err) throws UsageException,
		IOException
	{
		final Options o = new Options(args, 1, KEYS);
		final String deviceName = o.parsed("device", "auto", Devices::check);
		o.parsed("precision", "auto", Precision::check);
		final int repeats = o.integer("repeats", 5), tile = o.integer("tile", 256), size = o.integer(
			"restorations", 512);
		if (repeats < 1) throw new UsageException("--repeats must be at least 1.");
		final int side = o.integer("throughput", 2048);
		if (side < 64) throw new UsageException("--throughput takes an image side of at least 64, got " + side + ".");
		final int[] batches = batches(o.get("batches", "64,256,1024"));
		if (size < 64 || size % 4 != 0) {
			throw new UsageException("--restorations takes an image side, a multiple of 4 of at least 64, " +
				"got " + size + ".");
		}
		Natives.configure(deviceName);
		final ModelCatalog catalog = ModelCatalog.standard();
		final List<Path> folders = new ArrayList<>();
		if (o.has("models")) {
			for (final String n : o.get("models", "").split(",")) folders.add(catalog.resolve(n.trim()));
		}
		else {
			folders.addAll(catalog.list(null).values());
		}
		if (folders.isEmpty()) throw new IOException("No models installed in " + catalog.roots() + ".");
		for (final Path folder : folders) {
			final int multiple = ModelFolder.card(folder).network().sizeMultiple();
			if (tile < multiple || tile % multiple != 0) {
				throw new UsageException("--tile must be a positive multiple of " + multiple + " (the network of " +
					folder.getFileName() + "), got " + tile + ".");
			}
		}
		final Device device = Devices.choose(deviceName, err::println);
		final Precision precision = o.precision(device);
		out.println("| model | device, precision | s / evaluation, 1 x " + tile + "^2 | Mpx/s | s / training step " +
			"(float, batch x patch^2) | peak RSS (MB) |");
		out.println("| --- | --- | --- | --- | --- | --- |");
		for (final Path folder : folders) {
			final ModelCard card = ModelFolder.card(folder);
			final double eval = evaluationSeconds(folder, device, precision, tile, repeats);
			final double train = trainingSeconds(card, device, Math.max(2, repeats));
			final int batch = ((Number) card.training().getOrDefault("batch", 12)).intValue();
			out.printf("| %s | %s | %.3f | %.3f | %.3f (%d x %d^2) | %d |%n", card.name(), device + ", " +
				precision, eval, tile * (double) tile / eval / 1e6, train, batch, card.patch(), Throughput.peakRssMegabytes());
			err.println("done " + card.name());
		}
		if (o.has("restorations")) {
			for (final Path folder : folders) {
				try (NetworkDenoiser model = ModelFolder.load(folder, device, precision)) {
					// Once small first: the first calls on a GPU pay for its start and kernel choices.
					QualityBenchmark.speed(model, 64, 2, 0.1, 8999);
					out.printf("%nRestorations with %s on %s, %s precision, one %d x %d image:%n%n", folder
						.getFileName(), device, precision, size, size);
					out.print(QualityBenchmark.speed(model, size, 0, 0.1, 8999));
				}
			}
		}
		if (o.has("throughput")) {
			for (final Path folder : folders) {
				try (NetworkDenoiser model = ModelFolder.load(folder, device, precision)) {
					out.printf("%nThroughput of %s on %s, %s precision (units of torch_unet.py: Mpx/s of network " +
						"input per evaluation):%n%n", folder.getFileName(), device, precision);
					out.print(Throughput.table(model, folder.getFileName().toString(), side, batches, repeats));
				}
			}
		}
		return 0;
	}

	private static int[] batches(final String list) throws UsageException {
		try {
			final int[] b = java.util.Arrays.stream(list.split(",")).map(String::trim).mapToInt(
				Integer::parseInt).toArray();
			for (final int v : b) if (v < 0) throw new NumberFormatException();
			if (b.length == 0) throw new NumberFormatException();
			return b;
		}
		catch (final NumberFormatException e) {
			throw new UsageException("--batches takes windows per call, whole numbers separated by commas " +
				"(e.g. 0,256,1024; 0 is what tile 0 sends), got '" + list + "'.");
		}
	}

	/** Median wall time of one denoiser evaluation of a 1 x tile x tile input. */
	static double evaluationSeconds(final Path folder, final Device device, final Precision precision,
		final int tile, final int repeats) throws IOException
	{
		try (NetworkDenoiser model = ModelFolder.load(folder, device, precision)) {
			return Throughput.seconds(model, repeats, m -> new NDArray[] { m.randomNormal(new Shape(1, 1, tile,
				tile)), m.create(new float[] { 0.2f }) }, in -> model.denoise(in[0], in[1]));
		}
	}

	static double trainingSeconds(final ModelCard card, final Device device, final int repeats) {
		final Map<String, Object> tr = card.training();
		final int batch = ((Number) tr.getOrDefault("batch", 12)).intValue();
		final double lr = ((Number) tr.getOrDefault("learning_rate", 3e-4)).doubleValue();
		final Trainer.Config c = new Trainer.Config(card.family(), card.schedule(), card.network(), card
			.patch(), batch, lr, 0.999, 1);
		try (Trainer t = new Trainer(c, new SyntheticPatches(), device)) {
			final double[] s = new double[repeats];
			for (int r = -2; r < repeats; r++) {
				final long start = System.nanoTime();
				t.trainStep();
				if (r >= 0) s[r] = (System.nanoTime() - start) / 1e9;
			}
			return Metrics.median(s);
		}
	}
}
