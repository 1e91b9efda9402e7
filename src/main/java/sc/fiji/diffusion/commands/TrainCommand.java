package sc.fiji.diffusion.commands;

import ai.djl.Device;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.concurrent.CancellationException;

import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import sc.fiji.diffusion.engine.Family;
import sc.fiji.diffusion.engine.PartialFiles;
import sc.fiji.diffusion.engine.PatchSource;
import sc.fiji.diffusion.engine.Trainer;
import sc.fiji.diffusion.engine.UNetConfig;
import sc.fiji.diffusion.ij.TrainingImages;
import sc.fiji.diffusion.model.ModelCard;
import sc.fiji.diffusion.model.ModelExport;

/**
 * Plugins > Diffusion > Train Diffusion Model: trains a model on a folder of images (or on the
 * synthetic scenes) and writes a model folder. A checkpoint beside the output ({@code OUTPUT.ckpt})
 * is written every few minutes and when cancelled; running the command again with the same output
 * continues from it.
 */
@Plugin(type = Command.class, menuPath = "Plugins>Diffusion>Train Diffusion Model", headless = true)
public class TrainCommand extends DiffusionCommand {

	@Parameter(label = "Family", persist = false, choices = { "DDPM", "NCSN" })
	private String family = "DDPM";

	@Parameter(label = "Data", persist = false, description = "A folder of single-channel images, " +
		"synthetic, synthetic-wide (wider imaging conditions and eight kinds of structure), or synthetic-mixed (half of it the five kinds of synthetic).")
	private String data = "synthetic";

	@Parameter(label = "Noise", persist = false, description = "Noise of the training images: auto " +
		"(estimated per image, in the Log), none, gaussian:SIGMA or poisson-gaussian:GAIN,OFFSET,READ. " +
		"Noisy images train with an objective that learns the clean images' prior, not their noise.")
	private String noise = "auto";

	@Parameter(label = "Output", persist = false, description = "The model folder to write; put it " +
		"in Fiji.app/models to find the model by name.")
	private String output = "";

	@Parameter(label = "Steps", persist = false, min = "1", description = "Total training steps " +
		"(a resumed run counts on).")
	private int steps = 2000;

	@Parameter(label = "Patch", persist = false, min = "16")
	private int patch = 64;

	@Parameter(label = "Batch", persist = false, min = "1")
	private int batch = 12;

	@Parameter(label = "Device", persist = false, choices = { Djl.AUTO, Djl.CPU, Djl.GPU })
	private String device = Djl.AUTO;

	@Parameter(label = "Seed", persist = false)
	private long seed = 0;

	@Parameter(type = ItemIO.OUTPUT, label = "Model card")
	private String card;

	@Override
	protected String smallerWork() {
		return "train on fewer or smaller images (the folder's images are held in memory, 4 bytes per " +
			"pixel)";
	}

	@Override
	protected void work(final Progress progress) throws IOException {
		if (output == null || output.isBlank()) {
			throw new IllegalArgumentException("Give an output folder for the model (output=[path]).");
		}
		final Path out = Paths.get(output);
		ModelExport.requireReplaceable(out, this::info);
		final Path checkpoint = out.resolveSibling(out.getFileName() + ".ckpt");
		PartialFiles.requireWritableFile(checkpoint, this::info);
		final Family f = Family.parse(family.toLowerCase(Locale.ROOT));
		status("Reading the training images");
		final PatchSource source = TrainingImages.source(data, sc.fiji.diffusion.restore.NoiseModel.parse(
			noise), this::info, progress);
		final Device d = Djl.device(device, this::status, this::info);
		final Trainer trainer;
		if (Files.isRegularFile(checkpoint)) {
			trainer = Trainer.resume(checkpoint, source, d);
			if (trainer.config().family() != f) {
				trainer.close();
				throw new IllegalArgumentException(checkpoint + " holds a " + trainer.config().family().key() +
					" model, not " + family + ": choose another output, or the same family to continue.");
			}
			info("Continuing from " + checkpoint + " at step " + trainer.step() + " with its own patch (" +
				trainer.config().patch() + "), batch (" + trainer.config().batch() + ") and seed");
		}
		else {
			final UNetConfig small = UNetConfig.small();
			trainer = new Trainer(Trainer.Config.standard(f, small.widths(), small.resBlocks(), patch, batch,
				Trainer.Config.DEFAULT_LEARNING_RATE, Trainer.Config.DEFAULT_EMA_DECAY, seed == 0 ? Trainer.Config
					.defaultSeed(f) : seed), source, d);
		}
		try (trainer) {
			TrainingImages.requirePatch(source, trainer.config().patch(), this::info);
			final long start = trainer.step();
			try {
				trainer.train(steps, checkpoint, 600, p -> progress.stepDone((int) (p.step() - start),
					(int) Math.max(1, steps - start)));
				// Training ends early on an interrupt that came after the last check: stopped, not done.
				if (trainer.step() < steps) throw new CancellationException();
			}
			catch (final CancellationException e) {
				trainer.save(checkpoint);
				throw new CancellationException("Training stopped at step " + trainer.step() + "; run it " +
					"again with the same output to continue from " + checkpoint + ".");
			}
			if (trainer.step() > start) trainer.save(checkpoint);
			status("Writing " + out + " and measuring its validation PSNR");
			final ModelCard c = ModelExport.export(trainer, out.getFileName().toString(), out, source);
			models.forget(out);
			card = c.toJson();
			info("Wrote model " + out + " (step " + trainer.step() + "): " + c.metrics());
		}
	}
}
