package sc.fiji.diffusion.cli;

import ai.djl.Device;

import ij.ImagePlus;
import ij.process.ImageProcessor;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import sc.fiji.diffusion.engine.Devices;
import sc.fiji.diffusion.engine.Family;
import sc.fiji.diffusion.engine.ImagePatches;
import sc.fiji.diffusion.engine.NetworkDenoiser;
import sc.fiji.diffusion.engine.NoiseSchedule;
import sc.fiji.diffusion.engine.PatchSource;
import sc.fiji.diffusion.engine.SyntheticPatches;
import sc.fiji.diffusion.engine.Trainer;
import sc.fiji.diffusion.engine.UNetConfig;
import sc.fiji.diffusion.engine.Validation;
import sc.fiji.diffusion.engine.VeSchedule;
import sc.fiji.diffusion.engine.VpSchedule;
import sc.fiji.diffusion.model.ModelCard;
import sc.fiji.diffusion.model.ModelFolder;

/**
 * Trains (or resumes) a model and writes its folder: EMA weights, card with the training record and
 * validation PSNR at three noise levels. A checkpoint (weights, EMA, optimizer, step) is written
 * every few minutes so a stopped run resumes where it was.
 */
final class TrainVerb {

	static final Set<String> KEYS = Set.of("family", "output", "steps", "data", "resume", "checkpoint",
		"name", "patch", "batch", "lr", "ema", "widths", "seed", "device", "every", "init");

	/** Noise levels (data range 1) at which the card reports denoising PSNR. */
	static final double[] VALIDATION_SIGMAS = { 0.05, 0.1, 0.2 };
	static final long VALIDATION_SEED = 0x5EED_F00DL;

	int run(final String[] args, final PrintStream out, final PrintStream err) throws UsageException,
		IOException
	{
		final Options o = new Options(args, 1, KEYS);
		final Path output = Paths.get(o.required("output"));
		final long steps = o.longValue("steps", 10000);
		if (steps < 0) throw new UsageException("--steps must not be negative.");
		final String deviceName = o.get("device", "auto");
		Natives.configure(deviceName);
		final PatchSource data = data(o.get("data", "synthetic"));
		final Path checkpoint = Paths.get(o.get("checkpoint", output.toString() + ".ckpt"));
		final Device device = Devices.choose(deviceName);
		final Trainer trainer;
		if (o.has("resume")) {
			trainer = Trainer.resume(Paths.get(o.get("resume", "")), data, device);
			err.println("Resumed at step " + trainer.step() + " from " + o.get("resume", ""));
		}
		else if (o.has("init")) {
			trainer = fromModel(Paths.get(o.get("init", "")), o, data, device);
			err.println("Continuing from the weights of " + o.get("init", "") + " at step " + trainer
				.step() + " (optimizer moments restart)");
		}
		else {
			trainer = new Trainer(config(o), data, device);
		}
		try (trainer) {
			final Trainer.Config c = trainer.config();
			final long startStep = trainer.step();
			if (data instanceof ImagePatches ip && ip.smallestSide() < c.patch()) {
				throw new IllegalArgumentException("Training images must be at least " + c.patch() + " x " + c
					.patch() + " pixels; the smallest is " + ip.smallestSide() + ". Use --patch " + Integer
						.highestOneBit(Math.max(1, ip.smallestSide())) + " or larger images.");
			}
			err.println("Training " + c.family().key() + " " + c.network() + " on " + data + ", patch " + c
				.patch() + ", batch " + c.batch() + ", until step " + steps + "; checkpoint " + checkpoint);
			trainer.train(steps, checkpoint, o.number("every", 600), p -> {
				if (p.step() % 50 == 0 || p.step() <= 3) {
					err.printf("step %d  loss %.4f  (avg %.4f)  %.2f s/step  %.0f s%n", p.step(), p.loss(), p
						.averageLoss(), p.secondsPerStep(), p.seconds());
				}
			});
			if (trainer.step() > startStep) trainer.save(checkpoint);
			final ModelCard card = export(trainer, o.get("name", output.getFileName().toString()), output,
				data);
			out.println("Wrote model " + output + " (step " + trainer.step() + "), metrics " + card
				.metrics());
		}
		return 0;
	}

	/** Writes the EMA weights as a model folder, with training record and validation PSNR. */
	static ModelCard export(final Trainer trainer, final String name, final Path output,
		final PatchSource data) throws IOException
	{
		final Trainer.Config c = trainer.config();
		ModelCard card = ModelCard.create(name, c.family(), c.schedule(), c.network(), c.patch());
		final Map<String, Object> training = new LinkedHashMap<>();
		training.put("data", data.toString());
		training.put("steps", trainer.step());
		training.put("seconds", Math.round(trainer.seconds()));
		training.put("batch", c.batch());
		training.put("learning_rate", c.learningRate());
		training.put("ema_decay", c.emaDecay());
		card = card.with("training", training);
		card = ModelFolder.save(output, card, trainer.emaWeights());
		// Metrics of the shipped (EMA) weights, loaded back as a user would.
		final Map<String, Object> metrics = new LinkedHashMap<>();
		try (NetworkDenoiser model = ModelFolder.load(output, Device.cpu())) {
			for (final double s : VALIDATION_SIGMAS) {
				final double psnr = Validation.denoisingPsnr(model, data, c.patch(), 64, s, VALIDATION_SEED);
				metrics.put("denoise_psnr_sigma_" + s, Math.round(psnr * 100) / 100.0);
			}
		}
		metrics.put("validation", "64 held-out patches of " + data + ", Gaussian noise sigma (data " +
			"range 1), posterior mean D(y, sigma), PSNR in dB");
		card = card.with("metrics", metrics);
		card.write(output.resolve(ModelFolder.CARD));
		return card;
	}

	/** A trainer set up as a shipped model was trained, starting from its weights. */
	static Trainer fromModel(final Path folder, final Options o, final PatchSource data,
		final Device device) throws IOException, UsageException
	{
		final ModelCard card = ModelFolder.card(folder);
		final Map<String, Object> tr = card.training();
		final Trainer.Config c = new Trainer.Config(card.family(), card.schedule(), card.network(), card
			.patch(), o.integer("batch", ((Number) tr.getOrDefault("batch", 12)).intValue()), o.number("lr",
				((Number) tr.getOrDefault("learning_rate", 3e-4)).doubleValue()), o.number("ema", ((Number) tr
					.getOrDefault("ema_decay", 0.999)).doubleValue()), o.longValue("seed", card.family() ==
						Family.DDPM ? 11 : 12));
		final Trainer t = new Trainer(c, data, device);
		try (NetworkDenoiser m = ModelFolder.load(folder, Device.cpu())) {
			t.startFrom(sc.fiji.diffusion.engine.Checkpoint.weights(m.network()), ((Number) tr.getOrDefault(
				"steps", 0)).longValue(), ((Number) tr.getOrDefault("seconds", 0)).doubleValue());
		}
		return t;
	}

	static Trainer.Config config(final Options o) throws UsageException {
		final Family family = Family.parse(o.required("family"));
		final NoiseSchedule schedule = family == Family.DDPM ? VpSchedule.linear(1000, 1e-4, 0.02)
			: new VeSchedule(0.01, 50);
		final int[] widths;
		try {
			widths = Arrays.stream(o.get("widths", "32,64,128").split(",")).mapToInt(s -> Integer.parseInt(s
				.trim())).toArray();
		}
		catch (final NumberFormatException e) {
			throw new UsageException("--widths must be numbers separated by commas, as 32,64,128.");
		}
		return new Trainer.Config(family, schedule, new UNetConfig(widths, 1, 8, 128), o.integer("patch",
			64), o.integer("batch", 12), o.number("lr", 3e-4), o.number("ema", 0.999), o.longValue("seed",
				family == Family.DDPM ? 11 : 12));
	}

	/** "synthetic", or a folder of 2-D images (each slice of a stack counts as one image). */
	static PatchSource data(final String spec) throws IOException {
		if (spec.equals("synthetic")) return new SyntheticPatches();
		final Path dir = Paths.get(spec);
		if (!Files.isDirectory(dir)) {
			throw new IOException("--data must be 'synthetic' or a folder of images; " + dir +
				" is not a folder.");
		}
		final ImagePatches patches = new ImagePatches("images in " + dir);
		final List<Path> files;
		try (Stream<Path> s = Files.list(dir)) {
			files = s.filter(Files::isRegularFile).sorted().toList();
		}
		for (final Path f : files) {
			final ImagePlus imp = ImageFiles.open(f);
			if (imp == null) continue;
			if (imp.getNChannels() > 1 || imp.getBitDepth() == 24) {
				throw new IOException(f + " has several channels: training takes single-channel images.");
			}
			for (int z = 1; z <= imp.getStackSize(); z++) {
				final ImageProcessor ip = imp.getStack().getProcessor(z).convertToFloatProcessor();
				patches.add((float[]) ip.getPixels(), ip.getWidth(), ip.getHeight(), f.getFileName() + " slice " +
					z);
			}
		}
		if (patches.size() == 0) throw new IOException("No readable images in " + dir + ".");
		return patches;
	}
}
