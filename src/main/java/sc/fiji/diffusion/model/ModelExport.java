package sc.fiji.diffusion.model;

import ai.djl.Device;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import sc.fiji.diffusion.engine.ImagePatches;
import sc.fiji.diffusion.engine.NetworkDenoiser;
import sc.fiji.diffusion.engine.PatchSource;
import sc.fiji.diffusion.engine.Trainer;
import sc.fiji.diffusion.engine.Validation;

/** A trained model as a model folder: EMA weights and a card with training record and metrics. */
public final class ModelExport {

	/** Noise levels (data range 1) at which the card reports denoising PSNR. */
	public static final double[] VALIDATION_SIGMAS = { 0.05, 0.1, 0.2 };
	static final long VALIDATION_SEED = 0x5EED_F00DL;

	private ModelExport() {}

	/**
	 * Refuses an output that would replace anything but a model folder: the output names the model's
	 * own folder, and a folder of other things (a models folder, the desktop) must never be replaced.
	 * An empty folder or an older model folder of that name may be replaced. Called before training,
	 * so that the refusal does not come after hours of work.
	 */
	public static void requireReplaceable(final Path output) throws IOException {
		if (!Files.exists(output)) return;
		final boolean replaceable;
		if (!Files.isDirectory(output)) replaceable = false;
		else if (ModelFolder.isModel(output)) replaceable = true;
		else {
			try (Stream<Path> s = Files.list(output)) {
				replaceable = s.findAny().isEmpty();
			}
		}
		if (!replaceable) {
			throw new IllegalArgumentException("The output " + output + " exists and is not a model " +
				"folder; it would be replaced. Give the name of a new folder for the model (for example " +
				output.resolve("my-model") + ").");
		}
	}

	/**
	 * Writes the EMA weights as a model folder, with training record and validation PSNR: into a
	 * temporary folder beside the output, moved into place when complete (an older folder of that
	 * name is replaced only then).
	 */
	public static ModelCard export(final Trainer trainer, final String name, final Path output,
		final PatchSource data) throws IOException
	{
		final Path target = output.toAbsolutePath().normalize();
		requireReplaceable(target);
		Files.createDirectories(target.getParent());
		final Path temp = Files.createTempDirectory(target.getParent(), "." + target.getFileName() +
			"-");
		try {
			if (temp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
				// Temporary folders are private; a model folder is readable by everyone, as mkdir makes it.
				Files.setPosixFilePermissions(temp, java.nio.file.attribute.PosixFilePermissions.fromString(
					"rwxr-xr-x"));
			}
			final ModelCard card = write(trainer, name, temp, data);
			if (Files.exists(target)) {
				final Path old = Files.createTempDirectory(target.getParent(), "." + target.getFileName() +
					"-old-");
				Files.delete(old);
				Files.move(target, old);
				Files.move(temp, target);
				deleteFolder(old);
			}
			else {
				Files.move(temp, target);
			}
			return card;
		}
		finally {
			if (Files.exists(temp)) deleteFolder(temp);
		}
	}

	private static void deleteFolder(final Path dir) throws IOException {
		try (Stream<Path> files = Files.walk(dir)) {
			for (final Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
				Files.deleteIfExists(p);
			}
		}
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
		// Synthetic scenes are new with every seed; a folder's patches come from the training images.
		metrics.put("validation", "64 " + (data instanceof ImagePatches ? "patches of the training " +
			"images (not held out), " : "held-out patches of ") + data + ", Gaussian noise sigma (data " +
			"range 1), posterior mean D(y, sigma), PSNR in dB");
		card = card.with("metrics", metrics);
		card.write(output.resolve(ModelFolder.CARD));
		return card;
	}
}
