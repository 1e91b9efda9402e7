package sc.fiji.diffusion.model;

import ai.djl.Device;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import sc.fiji.diffusion.engine.ImagePatches;
import sc.fiji.diffusion.engine.NetworkDenoiser;
import sc.fiji.diffusion.engine.PartialFiles;
import sc.fiji.diffusion.engine.PatchSource;
import sc.fiji.diffusion.engine.Trainer;
import sc.fiji.diffusion.engine.Validation;
import sc.fiji.diffusion.engine.WidePatches;

/** A trained model as a model folder: EMA weights and a card with training record and metrics. */
public final class ModelExport {

	/** Noise levels (data range 1) at which the card reports denoising PSNR. */
	public static final double[] VALIDATION_SIGMAS = { 0.05, 0.1, 0.2 };
	static final long VALIDATION_SEED = 0x5EED_F00DL;

	private ModelExport() {}

	/**
	 * Refuses an output that would replace anything but a model folder of ours: the output names the
	 * model's own folder, and a folder of other things (a models folder, the desktop, another
	 * program's model with its own model.json) must never be touched. An empty folder or a folder
	 * whose model.json is a card of ours may be written into; only the card and the weights are then
	 * replaced. Refuses too an output that cannot be written (the message says why). Called before
	 * training, so that the refusal does not come after hours of work.
	 *
	 * @param report hears of half-written files of earlier runs that are removed
	 */
	public static void requireReplaceable(final Path output, final Consumer<String> report)
		throws IOException
	{
		if (Files.exists(output)) {
			final String problem;
			if (!Files.isDirectory(output)) problem = "exists and is not a folder";
			else if (ModelFolder.isModel(output)) problem = ourCard(output.resolve(ModelFolder.CARD));
			else {
				try (Stream<Path> s = Files.list(output)) {
					problem = s.findAny().isEmpty() ? null : "exists and is not a model folder (it holds no " +
						ModelFolder.CARD + ")";
				}
			}
			if (problem != null) {
				throw new IllegalArgumentException("The output " + output + " " + problem + "; writing the " +
					"model there could replace files that are not ours. Give the name of a new folder for the " +
					"model (for example " + output.resolve("my-model") + ").");
			}
		}
		PartialFiles.requireWritableFolder(output, report);
	}

	/** Null when the card is one of ours, else what it is. */
	private static String ourCard(final Path card) {
		try {
			ModelCard.read(card);
			return null;
		}
		catch (final IOException e) {
			return "holds a " + ModelFolder.CARD + " that is not a Diffusion-IJ model card (" + e
				.getMessage() + ")";
		}
	}

	/**
	 * Writes the EMA weights as a model folder, with training record and validation PSNR: into a
	 * temporary folder beside the output; when complete, a new output is that folder, and an existing
	 * model folder gets the new card and weights, its other files kept.
	 */
	public static ModelCard export(final Trainer trainer, final String name, final Path output,
		final PatchSource data) throws IOException
	{
		final Path target = output.toAbsolutePath().normalize();
		requireReplaceable(target, System.err::println);
		final ModelCard[] card = new ModelCard[1];
		PartialFiles.writeFiles(target, temp -> card[0] = write(trainer, name, temp, data));
		return card[0];
	}

	private static ModelCard write(final Trainer trainer, final String name, final Path output,
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
		training.put("runs", trainer.runs());
		final double lowest = trainer.lowestTrainedLevel();
		if (lowest > 0) {
			final Map<String, Object> noisy = new LinkedHashMap<>();
			noisy.put("objective", "noisy images of known noise, Daras et al. 2024 (consistent diffusion " +
				"meets Tweedie): levels above each image's own noise times " + (1 + Trainer.NOISY_MARGIN));
			noisy.put("lowest_level", lowest);
			training.put("noisy_data", noisy);
		}
		card = card.with("training", training);
		card = ModelFolder.save(output, card, trainer.emaWeights());
		// Metrics of the shipped (EMA) weights, loaded back as a user would.
		final Map<String, Object> metrics = new LinkedHashMap<>();
		if (data.highestNoise() >= c.schedule().sigmaMin()) {
			// Noisy images (any trained as such) are no clean reference: no PSNR against them.
			metrics.put("validation", "not measured: the training images are noisy (" + data + ")");
			card = card.with("metrics", metrics);
			card.write(output.resolve(ModelFolder.CARD));
			return card;
		}
		// A mix of the wide world and the five kinds is validated on the wide world alone, as the wide
		// models before it.
		final PatchSource validation = data instanceof WidePatches wide ? wide.wideOnly() : data;
		try (NetworkDenoiser model = ModelFolder.load(output, Device.cpu())) {
			validate(model, validation, c.patch(), "denoise_psnr_sigma_", metrics);
			// The wide world is validated on settings held out from training too.
			if (data instanceof WidePatches wide) {
				validate(model, wide.heldOut(), c.patch(), "denoise_psnr_heldout_sigma_", metrics);
			}
		}
		// Synthetic scenes are new with every seed; a folder's patches come from the training images.
		metrics.put("validation", "64 " + (data instanceof ImagePatches ? "patches of the training " +
			"images (not held out), " : "held-out patches of ") + validation + ", Gaussian noise sigma (data " +
			"range 1), posterior mean D(y, sigma), PSNR in dB" + (data instanceof WidePatches wide
				? "; denoise_psnr_heldout: the same on 64 patches of " + wide.heldOut().world().description() : ""));
		card = card.with("metrics", metrics);
		card.write(output.resolve(ModelFolder.CARD));
		return card;
	}

	/** Denoising PSNR on 64 patches of the data at each validation sigma, as key prefix + sigma. */
	private static void validate(final NetworkDenoiser model, final PatchSource data, final int patch,
		final String key, final Map<String, Object> metrics)
	{
		for (final double s : VALIDATION_SIGMAS) {
			final double psnr = Validation.denoisingPsnr(model, data, patch, 64, s, VALIDATION_SEED);
			metrics.put(key + s, Math.round(psnr * 100) / 100.0);
		}
	}
}
