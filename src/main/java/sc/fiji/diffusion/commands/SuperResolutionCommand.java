package sc.fiji.diffusion.commands;


import net.imglib2.RandomAccessibleInterval;

import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import sc.fiji.diffusion.restore.NoiseModel;
import sc.fiji.diffusion.restore.RestoreOptions;
import sc.fiji.diffusion.restore.Result;
import sc.fiji.diffusion.restore.SuperResolve;

/**
 * Plugins > Diffusion > Super-Resolution (Diffusion): an image f times larger whose f x f block means
 * are the input (camera binning); pixel size divided by f.
 */
@Plugin(type = Command.class, menuPath = "Plugins>Diffusion>Super-Resolution (Diffusion)",
	headless = true)
public class SuperResolutionCommand extends RestoreCommand {

	@Override
	protected sc.fiji.diffusion.restore.Defaults.Task task() {
		return sc.fiji.diffusion.restore.Defaults.Task.inverse(factor);
	}

	@Parameter(label = "Factor", persist = false, min = "2", max = "4", description = "2 or 4")
	private int factor = 2;


	@Override
	protected String suffix() {
		return "x" + factor;
	}

	@Override
	protected int factor() {
		return factor;
	}

	@Override
	protected void check() {
		SuperResolve.check(factor, sampler);
	}

	@Override
	@SuppressWarnings({ "unchecked", "rawtypes" })
	protected Result restore(final RandomAccessibleInterval img, final int channelAxis,
		final NoiseModel noiseModel, final RestoreOptions options)
	{
		return SuperResolve.run(img, factor, channelAxis, noiseModel, options);
	}
}
