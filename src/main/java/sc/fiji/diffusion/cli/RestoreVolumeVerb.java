package sc.fiji.diffusion.cli;

import ai.djl.Device;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

import sc.fiji.diffusion.engine.Devices;
import sc.fiji.diffusion.engine.NetworkDenoiser;
import sc.fiji.diffusion.model.ModelFolder;
import sc.fiji.diffusion.restore.RestoreOptions;
import sc.fiji.diffusion.volume.OmeZarr;
import sc.fiji.diffusion.volume.VolumeRestore;

/**
 * {@code restore-volume --input IN.zarr --output OUT.zarr --task denoise|inpaint|super-resolve
 * [--dataset LEVEL]} with the restorations' options: a Zarr or OME-Zarr image larger than memory,
 * restored block by block into an OME-Zarr image; a stopped run continues where it stopped.
 */
final class RestoreVolumeVerb {

	int run(final String[] args, final PrintStream out, final PrintStream err) throws UsageException,
		IOException
	{
		final VolumeRequest r = new VolumeRequest(args, 1);
		// The input's (and mask's) metadata before anything loads.
		try (OmeZarr.Image in = r.openInput(err::println); OmeZarr.Image m = r.openMask(err::println)) {
			final VolumeRestore.Task task = r.task(m);
			Natives.configure(r.device());
			final Device device = Devices.choose(r.device(), err::println);
			final Path folder = r.modelFolder(device.isGpu(), err::println);
			final int patch = ModelFolder.card(folder).patch();
			Options.check(() -> RestoreOptions.checkTile(r.tile, patch));
			final long start = System.nanoTime();
			final int done;
			try (NetworkDenoiser model = r.load(folder, device)) {
				err.println("Model " + folder + " on " + device + " in " + model.precision() + " precision, " +
					model.networkPath());
				done = VolumeRestore.restore(in, task, r.output(), r.std(), r.noise(), r.options(model), r.settings(
					in, task, folder, model.precision()), err::println, sc.fiji.diffusion.engine.SamplingListener.NONE);
			}
			out.printf("Wrote %s (%d chunks restored) in %.1f s%n", r.output(), done, (System.nanoTime() - start) /
				1e9);
		}
		return 0;
	}
}
