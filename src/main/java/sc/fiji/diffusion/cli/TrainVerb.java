package sc.fiji.diffusion.cli;

import ai.djl.Device;


import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

import sc.fiji.diffusion.engine.Devices;
import sc.fiji.diffusion.engine.Family;
import sc.fiji.diffusion.engine.NetworkDenoiser;
import sc.fiji.diffusion.engine.PatchSource;
import sc.fiji.diffusion.engine.SamplingListener;
import sc.fiji.diffusion.engine.Trainer;
import sc.fiji.diffusion.ij.TrainingImages;
import sc.fiji.diffusion.model.ModelCard;
import sc.fiji.diffusion.model.ModelExport;
import sc.fiji.diffusion.model.ModelFolder;

/**
 * Trains (or resumes) a model and writes its folder: EMA weights, card with the training record and
 * validation PSNR at three noise levels. A checkpoint (weights, EMA, optimizer, step) is written
 * every few minutes so a stopped run resumes where it was.
 */
final class TrainVerb {

	static final Set<String> KEYS = Set.of("family", "output", "steps", "data", "resume", "checkpoint",
		"name", "patch", "batch", "lr", "ema", "widths", "res-blocks", "seed", "device", "every", "init", "time", "note", "noise", "focus");


	int run(final String[] args, final PrintStream out, final PrintStream err) throws UsageException,
		IOException
	{
		final Options o = new Options(args, 1, KEYS);
		final Path output = Paths.get(o.required("output"));
		ModelExport.requireReplaceable(output, err::println);
		final long steps = o.longValue("steps", 10000);
		if (steps < 0) throw new UsageException("--steps must not be negative.");
		final double budget = o.number("time", Double.POSITIVE_INFINITY);
		if (!(budget > 0)) throw new UsageException("--time must be a positive number of seconds.");
		final String deviceName = o.parsed("device", "auto", Devices::check);
		final double focus = o.number("focus", 0);
		if (!(focus >= 0) || Double.isInfinite(focus)) {
			throw new UsageException("--focus must be a sigma in model units (range 1), as 0.5, or 0 for none.");
		}
		// A new run's settings are checked before the images load; a continuation's against its card.
		final Trainer.Config fresh = o.has("resume") || o.has("init") ? null : config(o);
		final sc.fiji.diffusion.restore.NoiseModel noise = o.parsed("noise", "auto",
			sc.fiji.diffusion.restore.NoiseModel::parse);
		Natives.configure(deviceName);
		final PatchSource data = TrainingImages.source(o.get("data", "synthetic"), noise, err::println,
			SamplingListener.NONE);
		final Path checkpoint = Paths.get(o.get("checkpoint", output.toString() + ".ckpt"));
		sc.fiji.diffusion.engine.PartialFiles.requireWritableFile(checkpoint, err::println);
		final Device device = Devices.choose(deviceName, err::println);
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
			trainer = new Trainer(fresh, data, device);
		}
		try (trainer) {
			trainer.note(o.get("note", ""));
			// A resumed run keeps its checkpoint's focus unless one is given.
			if (o.has("focus")) trainer.focus(focus);
			final Trainer.Config c = trainer.config();
			final long startStep = trainer.step();
			TrainingImages.requirePatch(data, c.patch(), err::println);
			err.println("Training " + c.family().key() + " " + c.network() + " on " + data + ", patch " + c
				.patch() + ", batch " + c.batch() + ", until step " + steps + "; checkpoint " + checkpoint);
			final long began = System.nanoTime();
			final boolean[] outOfTime = { false };
			trainer.train(steps, checkpoint, o.number("every", 600), p -> {
				// The loop stops at an interrupt, as in Fiji's cancel; the flag is ours, cleared below.
				if ((System.nanoTime() - began) / 1e9 >= budget) {
					outOfTime[0] = true;
					Thread.currentThread().interrupt();
				}
				if (p.step() % 50 == 0 || p.step() <= 3 || outOfTime[0]) {
					err.printf("step %d  loss %.4f  (avg %.4f)  %.2f s/step  %.0f s%n", p.step(), p.loss(), p
						.averageLoss(), p.secondsPerStep(), p.seconds());
				}
			});
			if (outOfTime[0]) {
				Thread.interrupted();
				err.printf("Stopped at step %d after --time %.0f s%n", trainer.step(), budget);
			}
			if (trainer.step() > startStep) trainer.save(checkpoint);
			final ModelCard card = ModelExport.export(trainer, o.get("name", output.getFileName().toString()), output,
				data);
			out.println("Wrote model " + output + " (step " + trainer.step() + "), metrics " + card
				.metrics());
		}
		return 0;
	}

	/** A trainer set up as a shipped model was trained, starting from its weights. */
	static Trainer fromModel(final Path folder, final Options o, final PatchSource data,
		final Device device) throws IOException, UsageException
	{
		final ModelCard card = ModelFolder.card(folder);
		// A continuation keeps the card's network: other values would be silently ignored.
		if (o.has("family") && o.parsed("family", "", Family::parse) != card.family() || o.has("patch") && o
			.integer("patch", 0) != card.patch() || o.has("widths") && !Arrays.equals(widths(o), card.network()
				.widths()) || o.has("res-blocks") && o.integer("res-blocks", 1) != card.network().resBlocks())
		{
			throw new UsageException("--init " + folder + " continues that model as it is: family " + card
				.family().key() + ", widths " + card.network().describe().get("widths").toString().replace(" ",
					"").replace("[", "").replace("]", "") + ", res-blocks " + card.network().resBlocks() + ", patch " +
				card.patch() + ". Leave out --family, --widths, --res-blocks and --patch, or give those values, or " +
				"train a new model without --init.");
		}
		final Map<String, Object> tr = card.training();
		final Trainer.Config c = new Trainer.Config(card.family(), card.schedule(), card.network(), card
			.patch(), o.integer("batch", ((Number) tr.getOrDefault("batch", 12)).intValue()), o.number("lr",
				((Number) tr.getOrDefault("learning_rate",
					Trainer.Config.DEFAULT_LEARNING_RATE)).doubleValue()), o.number("ema", ((Number) tr
					.getOrDefault("ema_decay", Trainer.Config.DEFAULT_EMA_DECAY)).doubleValue()), o.longValue("seed", Trainer.Config
						.defaultSeed(card.family())));
		final Trainer t = new Trainer(c, data, device);
		try (NetworkDenoiser m = ModelFolder.load(folder, Device.cpu())) {
			t.startFrom(sc.fiji.diffusion.engine.Checkpoint.weights(m.network()), ((Number) tr.getOrDefault(
				"steps", 0)).longValue(), ((Number) tr.getOrDefault("seconds", 0)).doubleValue(), runs(tr));
		}
		return t;
	}

	/** A card's runs; a card from before runs were recorded gives its whole record as one run. */
	@SuppressWarnings("unchecked")
	static java.util.List<Map<String, Object>> runs(final Map<String, Object> training) {
		if (training.get("runs") instanceof java.util.List<?> l) {
			return l.stream().filter(Map.class::isInstance).map(r -> (Map<String, Object>) r).toList();
		}
		final Map<String, Object> one = new java.util.LinkedHashMap<>();
		one.put("device", "not recorded");
		one.put("from_step", 0);
		for (final String k : new String[] { "steps", "batch", "learning_rate", "seconds" }) {
			if (training.containsKey(k)) one.put(k.equals("steps") ? "to_step" : k, training.get(k));
		}
		return java.util.List.of(one);
	}

	static int[] widths(final Options o) throws UsageException {
		try {
			return Arrays.stream(o.get("widths", "32,64,128").split(",")).mapToInt(s -> Integer.parseInt(s
				.trim())).toArray();
		}
		catch (final NumberFormatException e) {
			throw new UsageException("--widths must be numbers separated by commas, as 32,64,128.");
		}
	}

	static Trainer.Config config(final Options o) throws UsageException {
		final Family family = o.parsed("family", o.required("family"), Family::parse);
		final int[] widths = widths(o);
		final int patch = o.integer("patch", 64), batch = o.integer("batch", 12), resBlocks = o.integer(
			"res-blocks", 1);
		final double lr = o.number("lr", Trainer.Config.DEFAULT_LEARNING_RATE), ema = o.number("ema",
			Trainer.Config.DEFAULT_EMA_DECAY);
		if (resBlocks < 1) throw new UsageException("--res-blocks must be at least 1, got " + resBlocks + ".");
		final long seed = o.longValue("seed", Trainer.Config.defaultSeed(family));
		return Options.value(() -> Trainer.Config.standard(family, widths, resBlocks, patch, batch, lr, ema,
			seed));
	}
}
