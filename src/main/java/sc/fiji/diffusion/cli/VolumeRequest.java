package sc.fiji.diffusion.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import sc.fiji.diffusion.engine.Devices;
import sc.fiji.diffusion.engine.NetworkDenoiser;
import sc.fiji.diffusion.engine.Precision;
import sc.fiji.diffusion.model.ModelFolder;
import sc.fiji.diffusion.restore.Defaults;
import sc.fiji.diffusion.restore.Inpaint;
import sc.fiji.diffusion.restore.NoiseModel;
import sc.fiji.diffusion.restore.RestoreOptions;
import sc.fiji.diffusion.restore.SuperResolve;
import sc.fiji.diffusion.volume.OmeZarr;
import sc.fiji.diffusion.volume.VolumeRestore;

/**
 * The options of {@code restore-volume}, read and checked once: the CLI verb runs them on one
 * machine, and the Spark job reads the same options on its driver and on every executor (so its
 * command line is the verb's).
 */
public final class VolumeRequest {

	static final Set<String> KEYS = Set.of("input", "output", "task", "dataset", "noise", "samples",
		"steps", "sampler", "seed", "device", "precision", "tile", "model", "axes", "scale", "mask", "factor",
		"resample", "std");

	final Options o;
	final String input, mask, task, sampler, device, model, axes;
	final Path output, std;
	final int level, samples, steps, tile, resample, factor;
	final long seed;
	final double[] scale;
	final NoiseModel noise;

	/** @param from where the options start in args (after the verb's name) */
	VolumeRequest(final String[] args, final int from) throws UsageException {
		o = new Options(args, from, KEYS);
		input = o.required("input");
		output = Paths.get(o.required("output"));
		task = o.get("task", "denoise");
		if (!java.util.List.of("denoise", "inpaint", "super-resolve").contains(task)) {
			throw new UsageException("--task " + task + ": give denoise, inpaint or super-resolve.");
		}
		if (o.has("mask") && !task.equals("inpaint")) throw new UsageException("--mask is for --task inpaint.");
		if (o.has("factor") && !task.equals("super-resolve")) {
			throw new UsageException("--factor is for --task super-resolve.");
		}
		if (o.has("resample") && task.equals("denoise")) {
			throw new UsageException("--resample is for --task inpaint and super-resolve.");
		}
		factor = o.integer("factor", 2);
		resample = o.integer("resample", 1);
		mask = o.has("mask") ? o.get("mask", "") : null;
		std = o.has("std") ? Paths.get(o.get("std", "")) : null;
		if (!VolumeRestore.isHdf5(input) && (o.has("axes") || o.has("scale"))) {
			throw new UsageException("--axes and --scale are for HDF5 input, which declares neither; a Zarr " +
				"or OME-Zarr image declares its own.");
		}
		try {
			VolumeRestore.requireDistinct(input, output);
			if (mask != null) VolumeRestore.requireDistinct(mask, output);
			if (std != null) {
				VolumeRestore.requireDistinct(input, std);
				if (mask != null) VolumeRestore.requireDistinct(mask, std);
				VolumeRestore.requireDistinct(output.toString(), std);
			}
		}
		catch (final IllegalArgumentException | IOException e) {
			throw new UsageException("--output: " + e.getMessage());
		}
		level = o.integer("dataset", 0);
		samples = o.integer("samples", 0);
		steps = o.integer("steps", 0);
		tile = o.integer("tile", RestoreOptions.DEFAULT_TILE);
		seed = o.longValue("seed", 0);
		sampler = o.get("sampler", "ddpm");
		Options.check(() -> {
			if (!task.equals("denoise")) Inpaint.check(sampler);
			if (task.equals("super-resolve")) SuperResolve.check(factor, sampler);
			RestoreOptions.check(kind(), sampler, steps, samples, std != null, tile, resample);
		});
		noise = o.parsed("noise", "auto", NoiseModel::parse);
		device = o.parsed("device", "auto", Devices::check);
		o.parsed("precision", "auto", Precision::check);
		model = o.get("model", RestoreVerb.DEFAULT_MODEL);
		axes = o.has("axes") ? o.get("axes", "") : null;
		try {
			scale = o.has("scale") ? VolumeRestore.scales(o.get("scale", "")) : null;
		}
		catch (final IllegalArgumentException e) {
			throw new UsageException("--scale: " + e.getMessage());
		}
	}

	/**
	 * The options of a {@code restore-volume} command line without the verb ({@code --input ...}).
	 *
	 * @throws IllegalArgumentException saying which option is wrong and what to give
	 */
	public static VolumeRequest of(final String... args) {
		try {
			return new VolumeRequest(args, 0);
		}
		catch (final UsageException e) {
			throw new IllegalArgumentException(e.getMessage(), e);
		}
	}

	/** The restoration this request asks for. */
	public Defaults.Task kind() {
		return task.equals("denoise") ? Defaults.Task.DENOISE : task.equals("inpaint") ? Defaults.Task.INPAINT
			: Defaults.Task.inverse(factor);
	}

	public Path output() {
		return output;
	}

	/** --std: where the samples' standard deviation goes, or null. */
	public Path std() {
		return std;
	}

	public NoiseModel noise() {
		return noise;
	}

	/** --device as given: auto, cpu or gpu. */
	public String device() {
		return device;
	}

	/** The input, opened (its metadata read). */
	public OmeZarr.Image openInput(final Consumer<String> log) throws IOException {
		return VolumeRestore.open(input, level, axes, scale, log);
	}

	/** The mask volume, opened, or null when none is given. */
	public OmeZarr.Image openMask(final Consumer<String> log) throws IOException {
		if (mask == null) return null;
		final boolean h5 = VolumeRestore.isHdf5(mask);
		return VolumeRestore.open(mask, level, h5 ? axes : null, h5 ? scale : null, log);
	}

	/** The task on these volumes. */
	public VolumeRestore.Task task(final OmeZarr.Image m) {
		return switch (kind()) {
			case DENOISE -> VolumeRestore.Task.denoise();
			case INPAINT -> VolumeRestore.Task.inpaint(m == null ? null : m.array());
			default -> VolumeRestore.Task.superResolve(factor);
		};
	}

	/** The model folder: --model, or for auto the installed model that suits the device and the task. */
	public Path modelFolder(final boolean gpu, final Consumer<String> notes) throws IOException {
		return sc.fiji.diffusion.model.ModelCatalog.standard().choose(model, gpu, kind().key(), notes);
	}

	/** --precision on that device (see Precision#choose). */
	public Precision precision(final ai.djl.Device d) {
		try {
			return o.precision(d);
		}
		catch (final UsageException e) {
			throw new IllegalArgumentException(e.getMessage(), e);
		}
	}

	/** The model loaded on the device, in --precision there. */
	public NetworkDenoiser load(final Path folder, final ai.djl.Device d) throws IOException {
		return load(folder, d, precision(d));
	}

	/**
	 * The model loaded on the device in a precision decided elsewhere (a Spark driver's, which its
	 * executors must share: auto on a CPU depends on the processor).
	 */
	public NetworkDenoiser load(final Path folder, final ai.djl.Device d, final Precision precision)
		throws IOException
	{
		return ModelFolder.load(folder, d, precision);
	}

	/** The restorations' options with this model. */
	public RestoreOptions options(final NetworkDenoiser net) {
		return RestoreOptions.defaults(net, sampler, steps).withSamples(samples, std != null).withSeed(seed)
			.withTile(tile).withResample(resample);
	}

	/** What the output records of this run, with the precision the model runs in where the blocks run. */
	public Map<String, Object> settings(final OmeZarr.Image in, final VolumeRestore.Task t,
		final Path folder, final Precision precision) throws IOException
	{
		return VolumeRestore.settings(t, mask, input, in, folder, ModelFolder.card(folder).sha256(), precision,
			new VolumeRestore.Sampling(samples, steps, sampler, seed, resample, RestoreOptions.DEFAULT_START), noise);
	}
}
