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
 * memory, denoised block by block into an OME-Zarr image on disk (no image opens). Progress per
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

	@Parameter(label = "Task", persist = false, choices = { "denoise" })
	private String task = "denoise";

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
		RestoreOptions.check(Defaults.Task.DENOISE, "ddpm", 0, 0, false, tile, 1);
		Precision.check(precision);
		VolumeRestore.requireDistinct(input, Path.of(output));
		try (OmeZarr.Image in = VolumeRestore.open(input, dataset, axes == null || axes.isBlank() ? null
			: axes.trim(), scale == null || scale.isBlank() ? null : VolumeRestore.scales(scale), this::info))
		{
			final Device d = Djl.device(device, this::status, this::info);
			final Path folder = models.catalog().choose(model, d.isGpu(), this::info);
			try (DiffusionModelService.Lease lease = models.lease(folder.toString(), d, Precision.choose(
				precision, d)))
			{
				final NetworkDenoiser net = lease.model();
				final RestoreOptions o = RestoreOptions.defaults(net, "ddpm", 0).withSeed(seed).withTile(tile);
				restored = VolumeRestore.denoise(in, Path.of(output), noiseModel, o, VolumeRestore.settings(task,
					input, in, folder, ModelFolder.card(folder).sha256(), o, noiseModel), this::info, progress);
			}
			info("Wrote " + output + " (" + restored + " chunks restored)");
		}
	}
}
