package sc.fiji.diffusion.commands;

import ai.djl.Device;

import ij.ImagePlus;
import ij.ImageStack;
import ij.process.FloatProcessor;

import java.io.IOException;

import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import sc.fiji.diffusion.engine.Generation;
import sc.fiji.diffusion.engine.Precision;
import sc.fiji.diffusion.engine.Sampler;

/**
 * Plugins > Diffusion > Sample Diffusion Model: images drawn from a model's prior, to see what it has
 * learnt (values 0..1, the model's normalized range).
 */
@Plugin(type = Command.class, menuPath = "Plugins>Diffusion>Sample Diffusion Model", headless = true)
public class SampleCommand extends DiffusionCommand {

	@Parameter(label = "Model", persist = false)
	private String model = "ddpm-fluo";

	@Parameter(label = "Count", persist = false, min = "1")
	private int count = 4;

	@Parameter(label = "Size", persist = false, min = "8", description = "Side in pixels, a multiple " +
		"of the network's size multiple.")
	private int size = 64;

	@Parameter(label = "Steps", persist = false, min = "1", description = "1 to 1000")
	private int steps = 250;

	@Parameter(label = "Sampler", persist = false, description = "ddpm, ddim, ddim:ETA, langevin, " +
		"pc or dpm++")
	private String sampler = "ddpm";

	@Parameter(label = "Device", persist = false, choices = { Djl.AUTO, Djl.CPU, Djl.GPU })
	private String device = Djl.AUTO;

	@Parameter(label = "Precision", persist = false, choices = { Djl.AUTO, Djl.FLOAT, Djl.HALF, Djl.BFLOAT16 },
		description = Djl.PRECISION_HELP)
	private String precision = Djl.AUTO;

	@Parameter(label = "Seed", persist = false)
	private long seed = 0;

	@Parameter(type = ItemIO.OUTPUT, label = "Samples")
	private ImagePlus samples;

	@Override
	protected void work(final Progress progress) throws IOException {
		final Sampler s = Sampler.byName(sampler);
		Sampler.checkSteps(steps);
		Precision.check(precision);
		final Device d = Djl.device(device, this::status, this::info);
		final float[][] images;
		try (DiffusionModelService.Lease lease = models.lease(model, d, Precision.choose(precision, d))) {
			images = Generation.sample(lease.model(), s, count, size, steps, Math.min(count, 4), seed,
				progress);
		}
		final ImageStack stack = new ImageStack(size, size);
		for (final float[] image : images) stack.addSlice(new FloatProcessor(size, size, image));
		samples = new ImagePlus(model.replaceAll(".*[/\\\\]", "") + "-samples", stack);
		samples.setDisplayRange(0, 1);
	}
}
