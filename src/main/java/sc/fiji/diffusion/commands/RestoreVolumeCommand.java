package sc.fiji.diffusion.commands;

import ai.djl.Device;

import java.io.IOException;
import java.nio.file.Path;

import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import sc.fiji.diffusion.engine.NetworkDenoiser;
import sc.fiji.diffusion.engine.Precision;
import sc.fiji.diffusion.model.ModelCatalog;
import sc.fiji.diffusion.model.ModelFolder;
import sc.fiji.diffusion.restore.Defaults;
import sc.fiji.diffusion.restore.NoiseModel;
import sc.fiji.diffusion.restore.RestoreOptions;
import sc.fiji.diffusion.volume.OmeZarr;
import sc.fiji.diffusion.volume.VolumeRestore;

/**
 * Plugins > Diffusion > Restore Volume (Diffusion): a Zarr, OME-Zarr or HDF5 image larger than
 * memory, denoised, inpainted or super-resolved block by block into an OME-Zarr image on disk (no
 * image opens). Progress per
 * block, cancel between blocks; run it again with the same output to continue.
 */
@Plugin(type = Command.class, menuPath = "Plugins>Diffusion>Restore Volume (Diffusion)", headless = true)
public class RestoreVolumeCommand extends DiffusionCommand {

	@Parameter(label = "Input", persist = false, description = "A Zarr array, an OME-Zarr image (a " +
		"folder) or an HDF5 file as FILE.h5:/DATASET.")
	private String input = "";

	@Parameter(label = "Output", persist = false, description = "The OME-Zarr folder to write (or to " +
		"continue, when a run with the same settings stopped).")
	private String output = "";

	@Parameter(label = "Task", persist = false, choices = { "denoise", "inpaint", "super-resolve" })
	private String task = "denoise";

	@Parameter(label = "Mask", persist = false, required = false, description = "Inpainting: a volume " +
		"of the input's shape (Zarr, OME-Zarr or FILE.h5:/DATASET), non-zero where a voxel is missing; " +
		"empty: the input's NaN voxels.")
	private String mask = "";

	@Parameter(label = "Factor", persist = false, choices = { "2", "4" }, description =
		"Super-resolution: rows and columns times this; the pixel size divided by it.")
	private String factor = "2";

	@Parameter(label = "Samples", persist = false, min = "0", description = "0: the task's default " +
		"estimate (denoising: the posterior mean; inpainting and super-resolution: the mean of a few " +
		"samples); N: the mean of N samples.")
	private int samples = 0;

	@Parameter(label = "Steps", persist = false, min = "0", description = "0: the task's default.")
	private int steps = 0;

	@Parameter(label = "Sampler", persist = false, description = "ddpm (ancestral) or ddim:ETA; for denoising " +
		"samples also ddim, dpm++, pc, langevin.")
	private String sampler = "ddpm";

	@Parameter(label = "Std", persist = false, required = false, description = "An OME-Zarr folder for the " +
		"samples' standard deviation (needs samples >= 2); empty: none.")
	private String std = "";

	@Parameter(label = "Dataset", persist = false, min = "0", description = "The OME-Zarr resolution " +
		"level (0: the full resolution).")
	private int dataset = 0;

	@Parameter(label = "Axes", persist = false, required = false, description = "HDF5 only: the axes " +
		"in storage order, as zyx; empty: by rank.")
	private String axes = "";

	@Parameter(label = "Scale", persist = false, required = false, description = "HDF5 only: the pixel " +
		"size per axis, as 2,0.3,0.3; empty: 1.")
	private String scale = "";

	@Parameter(label = "Noise", persist = false, description = "auto (estimated once from tiles " +
		"sampled over the volume), none, gaussian:SIGMA, or poisson-gaussian:GAIN,OFFSET,READ.")
	private String noise = "auto";

	@Parameter(label = "Model", persist = false, description = "auto, an installed model's name or a " +
		"model folder. Name the model for reproducible batches.")
	private String model = ModelCatalog.AUTO;

	@Parameter(label = "Tile", persist = false, min = "0", description = "0: sized from the device's " +
		"free memory; the result does not change.")
	private int tile = RestoreOptions.DEFAULT_TILE;

	@Parameter(label = "Device", persist = false, choices = { Djl.AUTO, Djl.CPU, Djl.GPU })
	private String device = Djl.AUTO;

	@Parameter(label = "Precision", persist = false, choices = { Djl.AUTO, Djl.FLOAT, Djl.HALF },
		description = Djl.PRECISION_HELP)
	private String precision = Djl.AUTO;

	@Parameter(label = "Seed", persist = false)
	private long seed = 0;

	@Parameter(type = ItemIO.OUTPUT, label = "Chunks restored")
	private int restored;

	@Override
	protected void work(final Progress progress) throws IOException {
		if (input == null || input.isBlank() || output == null || output.isBlank()) {
			throw new IllegalArgumentException("Give the volume to read and the OME-Zarr folder to write " +
				"(input=[path] output=[path]).");
		}
		final NoiseModel noiseModel = NoiseModel.parse(noise);
		final int f = Integer.parseInt(factor);
		final boolean masked = "inpaint".equals(task) && mask != null && !mask.isBlank();
		final Defaults.Task kind = switch (task) {
			case "denoise" -> Defaults.Task.DENOISE;
			case "inpaint" -> Defaults.Task.INPAINT;
			case "super-resolve" -> Defaults.Task.inverse(f);
			default -> throw new IllegalArgumentException("task=" + task + ": give denoise, inpaint or " +
				"super-resolve.");
		};
		final Path spread = std == null || std.isBlank() ? null : Path.of(std);
		if (kind != Defaults.Task.DENOISE) sc.fiji.diffusion.restore.Inpaint.check(sampler);
		RestoreOptions.check(kind, sampler, steps, samples, spread != null, tile, 1);
		Precision.check(precision);
		VolumeRestore.requireDistinct(input, Path.of(output));
		if (masked) VolumeRestore.requireDistinct(mask, Path.of(output));
		if (spread != null) {
			VolumeRestore.requireDistinct(input, spread);
			VolumeRestore.requireDistinct(output, spread);
		}
		final String a = axes == null || axes.isBlank() ? null : axes.trim();
		final double[] s = scale == null || scale.isBlank() ? null : VolumeRestore.scales(scale);
		try (OmeZarr.Image in = VolumeRestore.open(input, dataset, a, s, this::info); OmeZarr.Image m = masked
			? VolumeRestore.open(mask, dataset, VolumeRestore.isHdf5(mask) ? a : null, VolumeRestore.isHdf5(
				mask) ? s : null, this::info) : null)
		{
			final VolumeRestore.Task job = kind == Defaults.Task.DENOISE ? VolumeRestore.Task.denoise()
				: kind == Defaults.Task.INPAINT ? VolumeRestore.Task.inpaint(m == null ? null : m.array())
					: VolumeRestore.Task.superResolve(f);
			final Device d = Djl.device(device, this::status, this::info);
			final Path folder = models.catalog().choose(model, d.isGpu(), this::info);
			try (DiffusionModelService.Lease lease = models.lease(folder.toString(), d, Precision.choose(
				precision, d)))
			{
				final NetworkDenoiser net = lease.model();
				final RestoreOptions o = RestoreOptions.defaults(net, sampler, steps).withSamples(samples, spread !=
					null).withSeed(seed).withTile(tile);
				restored = VolumeRestore.restore(in, job, Path.of(output), spread, noiseModel, o, VolumeRestore.settings(
					job, masked ? mask : null, input, in, folder, ModelFolder.card(folder).sha256(), net.precision(),
					VolumeRestore.Sampling.of(o), noiseModel), this::info, progress);
			}
			info("Wrote " + output + " (" + restored + " chunks restored)");
		}
	}
}
