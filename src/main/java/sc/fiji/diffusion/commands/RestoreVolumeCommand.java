package sc.fiji.diffusion.commands;

import ai.djl.Device;

import java.io.IOException;
import java.nio.file.Path;

import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import sc.fiji.diffusion.cli.VolumeRequest;
import sc.fiji.diffusion.engine.NetworkDenoiser;
import sc.fiji.diffusion.model.ModelCatalog;
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

	@Parameter(label = "Precision", persist = false, choices = { Djl.AUTO, Djl.FLOAT, Djl.HALF, Djl.BFLOAT16 },
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
		// The CLI's restore-volume options, read and checked in one place (VolumeRequest).
		final java.util.List<String> a = new java.util.ArrayList<>(java.util.List.of("--input", input,
			"--output", output, "--task", task, "--dataset", Integer.toString(dataset), "--noise", noise,
			"--samples", Integer.toString(samples), "--steps", Integer.toString(steps), "--sampler", sampler,
			"--tile", Integer.toString(tile), "--seed", Long.toString(seed), "--device", device.toLowerCase(
				java.util.Locale.ROOT), "--precision", precision.toLowerCase(java.util.Locale.ROOT), "--model",
			model));
		if ("inpaint".equals(task) && mask != null && !mask.isBlank()) a.addAll(java.util.List.of("--mask", mask));
		if ("super-resolve".equals(task)) a.addAll(java.util.List.of("--factor", factor));
		if (axes != null && !axes.isBlank()) a.addAll(java.util.List.of("--axes", axes.trim()));
		if (scale != null && !scale.isBlank()) a.addAll(java.util.List.of("--scale", scale.trim()));
		if (std != null && !std.isBlank()) a.addAll(java.util.List.of("--std", std));
		final VolumeRequest r = VolumeRequest.of(a.toArray(String[]::new));
		try (OmeZarr.Image in = r.openInput(this::info); OmeZarr.Image m = r.openMask(this::info)) {
			final VolumeRestore.Task job = r.task(m);
			final Device d = Djl.device(device, this::status, this::info);
			// The service's catalog: ImageJ's own models folder besides the standard roots.
			final Path folder = models.catalog().choose(model, d.isGpu(), r.kind().key(), this::info);
			try (DiffusionModelService.Lease lease = models.lease(folder.toString(), d, r.precision(d))) {
				final NetworkDenoiser net = lease.model();
				restored = VolumeRestore.restore(in, job, r.output(), r.std(), r.noise(), r.options(net), r.settings(
					in, job, folder, net.precision()), this::info, progress);
			}
			info("Wrote " + output + " (" + restored + " chunks restored)");
		}
	}
}
