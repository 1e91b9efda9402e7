package sc.fiji.diffusion.cli;

import ai.djl.Device;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.Set;

import sc.fiji.diffusion.engine.Devices;
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
 * {@code restore-volume --input IN.zarr --output OUT.zarr --task denoise|inpaint|super-resolve
 * [--dataset LEVEL]} with the restorations' options: a Zarr or OME-Zarr image larger than memory,
 * restored block by block into an OME-Zarr image; a stopped run continues where it stopped.
 */
final class RestoreVolumeVerb {

	static final Set<String> KEYS = Set.of("input", "output", "task", "dataset", "noise", "samples",
		"steps", "sampler", "seed", "device", "precision", "tile", "model", "axes", "scale", "mask", "factor",
		"resample");

	int run(final String[] args, final PrintStream out, final PrintStream err) throws UsageException,
		IOException
	{
		final Options o = new Options(args, 1, KEYS);
		final String spec = o.required("input");
		final boolean hdf5 = VolumeRestore.isHdf5(spec);
		final Path input = VolumeRestore.file(spec);
		final Path output = Paths.get(o.required("output"));
		final String taskName = o.get("task", "denoise");
		if (!java.util.List.of("denoise", "inpaint", "super-resolve").contains(taskName)) {
			throw new UsageException("--task " + taskName + ": give denoise, inpaint or super-resolve.");
		}
		if (o.has("mask") && !taskName.equals("inpaint")) throw new UsageException("--mask is for --task inpaint.");
		if (o.has("factor") && !taskName.equals("super-resolve")) {
			throw new UsageException("--factor is for --task super-resolve.");
		}
		if (o.has("resample") && taskName.equals("denoise")) {
			throw new UsageException("--resample is for --task inpaint and super-resolve.");
		}
		final int factor = o.integer("factor", 2), resample = o.integer("resample", 1);
		final String mask = o.has("mask") ? o.get("mask", "") : null;
		if (!hdf5 && (o.has("axes") || o.has("scale"))) {
			throw new UsageException("--axes and --scale are for HDF5 input, which declares neither; a Zarr " +
				"or OME-Zarr image declares its own.");
		}
		try {
			VolumeRestore.requireDistinct(spec, output);
			if (mask != null) VolumeRestore.requireDistinct(mask, output);
		}
		catch (final IllegalArgumentException e) {
			throw new UsageException("--output: " + e.getMessage());
		}
		final int level = o.integer("dataset", 0);
		final int samples = o.integer("samples", 0), steps = o.integer("steps", 0), tile = o.integer("tile",
			RestoreOptions.DEFAULT_TILE);
		final long seed = o.longValue("seed", 0);
		final String sampler = o.get("sampler", "ddpm");
		final Defaults.Task kind = taskName.equals("denoise") ? Defaults.Task.DENOISE : taskName.equals(
			"inpaint") ? Defaults.Task.INPAINT : null;
		Options.check(() -> {
			if (kind != Defaults.Task.DENOISE) sc.fiji.diffusion.restore.Inpaint.check(sampler);
			RestoreOptions.check(kind != null ? kind : Defaults.Task.inverse(factor), sampler, steps, samples,
				false, tile, resample);
			if (kind == null) sc.fiji.diffusion.restore.SuperResolve.check(factor, sampler);
		});
		final NoiseModel noise = o.parsed("noise", "auto", NoiseModel::parse);
		final String deviceName = o.parsed("device", "auto", Devices::check);
		o.parsed("precision", "auto", Precision::check);
		final String modelName = o.get("model", RestoreVerb.DEFAULT_MODEL);
		final ModelCatalog catalog = ModelCatalog.standard();
		// The input's (and mask's) metadata before anything loads.
		final String axes = o.has("axes") ? o.get("axes", "") : null;
		final double[] scales = o.has("scale") ? scale(o.get("scale", "")) : null;
		try (OmeZarr.Image in = VolumeRestore.open(spec, level, axes, scales, err::println);
			OmeZarr.Image m = mask == null ? null : VolumeRestore.open(mask, level, VolumeRestore.isHdf5(mask)
				? axes : null, VolumeRestore.isHdf5(mask) ? scales : null, err::println))
		{
			final VolumeRestore.Task task = kind == Defaults.Task.DENOISE ? VolumeRestore.Task.denoise()
				: kind == Defaults.Task.INPAINT ? VolumeRestore.Task.inpaint(m == null ? null : m.array())
					: VolumeRestore.Task.superResolve(factor);
			return restore(o, task, mask, spec, output, in, samples, steps, tile, resample, seed, sampler,
				noise, deviceName, modelName, catalog, out, err);
		}
	}

	private static double[] scale(final String s) throws UsageException {
		try {
			return VolumeRestore.scales(s);
		}
		catch (final IllegalArgumentException e) {
			throw new UsageException("--scale: " + e.getMessage());
		}
	}

	private static int restore(final Options o, final VolumeRestore.Task task, final String mask,
		final String input, final Path output, final OmeZarr.Image in, final int samples, final int steps,
		final int tile, final int resample, final long seed,
		final String sampler, final NoiseModel noise, final String deviceName, final String modelName,
		final ModelCatalog catalog, final PrintStream out, final PrintStream err) throws UsageException,
		IOException
	{
		Natives.configure(deviceName);
		final Device device = Devices.choose(deviceName, err::println);
		final Path folder = catalog.choose(modelName, device.isGpu(), err::println);
		final int patch = ModelFolder.card(folder).patch();
		Options.check(() -> RestoreOptions.checkTile(tile, patch));
		final long start = System.nanoTime();
		final int done;
		try (NetworkDenoiser model = ModelFolder.load(folder, device, o.precision(device))) {
			err.println("Model " + folder + " on " + device + " in " + model.precision() + " precision, " +
				model.networkPath());
			final RestoreOptions r = RestoreOptions.defaults(model, sampler, steps).withSamples(samples, false)
				.withSeed(seed).withTile(tile).withResample(resample);
			final Map<String, Object> settings = VolumeRestore.settings(task, mask, input, in, folder,
				ModelFolder.card(folder).sha256(), r, noise);
			done = VolumeRestore.restore(in, task, output, noise, r, settings, err::println,
				sc.fiji.diffusion.engine.SamplingListener.NONE);
		}
		out.printf("Wrote %s (%d chunks restored) in %.1f s%n", output, done, (System.nanoTime() - start) /
			1e9);
		return 0;
	}
}
