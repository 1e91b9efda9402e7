package sc.fiji.diffusion.commands;


import net.imglib2.RandomAccessibleInterval;

import org.scijava.command.Command;
import org.scijava.plugin.Plugin;

import sc.fiji.diffusion.restore.Denoise;
import sc.fiji.diffusion.restore.NoiseModel;
import sc.fiji.diffusion.restore.RestoreOptions;
import sc.fiji.diffusion.restore.Result;

/** Plugins > Diffusion > Denoise (Diffusion). */
@Plugin(type = Command.class, menuPath = "Plugins>Diffusion>Denoise (Diffusion)", headless = true)
public class DenoiseCommand extends RestoreCommand {

	@Override
	protected sc.fiji.diffusion.restore.Defaults.Task task() {
		return sc.fiji.diffusion.restore.Defaults.Task.DENOISE;
	}

	@Override
	protected String suffix() {
		return "denoised";
	}

	@Override
	@SuppressWarnings({ "unchecked", "rawtypes" })
	protected Result restore(final RandomAccessibleInterval img, final int channelAxis,
		final NoiseModel noiseModel, final RestoreOptions options)
	{
		return Denoise.run(img, channelAxis, noiseModel, options);
	}
}
