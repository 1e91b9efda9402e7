package sc.fiji.diffusion.volume;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

import net.imglib2.Cursor;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;

import sc.fiji.diffusion.engine.NetworkDenoiser;
import sc.fiji.diffusion.restore.ChannelSetup;
import sc.fiji.diffusion.restore.Defaults;
import sc.fiji.diffusion.restore.Denoise;
import sc.fiji.diffusion.restore.Inpaint;
import sc.fiji.diffusion.restore.NoiseField;
import sc.fiji.diffusion.restore.NoiseModel;
import sc.fiji.diffusion.restore.RestoreOptions;
import sc.fiji.diffusion.restore.SuperResolve;
import sc.fiji.diffusion.restore.TiledDenoiser;

/**
 * Restores an image larger than memory block by block, from a Zarr or OME-Zarr input into an
 * OME-Zarr output: one block per output chunk, read with the halo its windows need, restored plane
 * by plane as a 2-D image is, with one noise model and one normalization per channel computed once
 * from a sample of the whole volume. The blocks' corners sit on the tiling's lattice in volume
 * coordinates, so every pixel of a chunk sees the windows, and weights, that a whole-volume
 * restoration gives it. A run stopped and started again skips the chunks already written; the output
 * records the settings and the model's SHA-256, and a run with other settings refuses to continue it.
 * The input is only read.
 */
public final class VolumeRestore {

	/** Sampled tiles per channel: planes, and tiles per plane along each side. */
	static final int SAMPLE_PLANES = 8, SAMPLE_GRID = 2, SAMPLE_SIDE = 256;

	private VolumeRestore() {}

	/**
	 * What a run does to each block: denoise, inpaint (the pixels a mask volume marks, or the input's
	 * NaN), or super-resolve by 2 or 4 in x and y.
	 *
	 * @param mask for inpainting: non-zero marks a missing voxel, the volume's shape; null: NaN voxels
	 */
	public record Task(Defaults.Task kind, VolumeArray mask, int factor) {

		public static Task denoise() {
			return new Task(Defaults.Task.DENOISE, null, 1);
		}

		public static Task inpaint(final VolumeArray mask) {
			return new Task(Defaults.Task.INPAINT, mask, 1);
		}

		public static Task superResolve(final int factor) {
			SuperResolve.check(factor, "ddpm");
			return new Task(Defaults.Task.inverse(factor), null, factor);
		}

		/** The name a run records and the CLI takes: denoise, inpaint, super-resolve. */
		public String name() {
			return kind == Defaults.Task.DENOISE ? "denoise" : factor == 1 ? "inpaint" : "super-resolve";
		}
	}

	/** Denoises {@code in} into {@code out} (created, or continued); see {@link #restore}. */
	public static int denoise(final OmeZarr.Image in, final Path out, final NoiseModel noise,
		final RestoreOptions o, final Map<String, Object> settings, final Consumer<String> log)
		throws IOException
	{
		return restore(in, Task.denoise(), out, noise, o, settings, log, sc.fiji.diffusion.engine.SamplingListener.NONE);
	}

	/**
	 * Restores {@code in} into {@code out} (created, or continued), telling {@code blocks} of each
	 * chunk done (it may throw CancellationException: the chunks written are kept, and a run started
	 * again continues from them). Super-resolution writes f times the rows and columns, in chunks of
	 * the input's chunk shape (rows and columns rounded up to multiples of f), the pixel size divided
	 * by f. The samplers' noise is drawn by position in the volume ({@link NoiseField}), and
	 * inpainting and super-resolution read each block with a further window of context on every side,
	 * so that blocks agree where they meet.
	 *
	 * @param settings what identifies the run (task options, model name and SHA-256): recorded in the
	 *          output and compared when continuing
	 * @return the chunks restored by this call (skipped ones not counted)
	 */
	public static int restore(final OmeZarr.Image in, final Task task, final Path out,
		final NoiseModel noise, final RestoreOptions o, final Map<String, Object> settings,
		final Consumer<String> log, final sc.fiji.diffusion.engine.SamplingListener blocks) throws IOException
	{
		return restore(in, task, out, null, noise, o, settings, log, blocks);
	}

	/**
	 * As {@link #restore(OmeZarr.Image, Task, Path, NoiseModel, RestoreOptions, Map, Consumer,
	 * sc.fiji.diffusion.engine.SamplingListener)}, with the samples' standard deviation written to
	 * {@code std} (an OME-Zarr image of the output's geometry; the options must ask for it), or null.
	 */
	public static int restore(final OmeZarr.Image in, final Task task, final Path out, final Path std,
		final NoiseModel noise, final RestoreOptions o, final Map<String, Object> settings,
		final Consumer<String> log, final sc.fiji.diffusion.engine.SamplingListener blocks) throws IOException
	{
		if ((std != null) != o.std()) {
			throw new IllegalArgumentException("A standard deviation output goes with options that ask for it.");
		}
		final Prepared p = prepare(in, task, out, std, noise, settings, log);
		final List<long[]> chunks = p.output().zarr().allChunks();
		final long start = System.nanoTime();
		long said = 0;
		int done = 0, skipped = 0;
		for (int b = 0; b < chunks.size(); b++) {
			if (restoreChunk(in, task, p, chunks.get(b), noise, o, log)) done++;
			else skipped++;
			blocks.stepDone(b + 1, chunks.size());
			final long now = System.nanoTime();
			// A line a second at most, and the last.
			if (done > 0 && (now - said > 1e9 || b == chunks.size() - 1)) {
				said = now;
				final double seconds = (now - start) / 1e9, rate = done / seconds;
				log.accept(String.format(Locale.ROOT, "block %d of %d done (%d skipped), %.2f blocks/s, about " +
					"%.0f s left", b + 1, chunks.size(), skipped, rate, (chunks.size() - b - 1) / rate));
			}
		}
		if (skipped > 0) log.accept(skipped + " chunks were already written and were skipped.");
		return done;
	}

	/**
	 * What every block of a run shares, made once: the output (created, or opened to continue) and
	 * each channel's noise model and normalization, sampled from the volume (and recorded in the
	 * output, from where {@link #reopen} reads them back on other machines); the standard deviation's
	 * output when one is asked for, else null.
	 */
	public record Prepared(OmeZarr.Image output, OmeZarr.Image std, List<ChannelSetup> setups) {}

	/**
	 * Checks the input against the task, samples the channels' setups and creates the output (or
	 * opens it to continue: other settings are refused). Loads no model: a Spark driver calls it.
	 */
	public static Prepared prepare(final OmeZarr.Image in, final Task task, final Path out,
		final Path std, final NoiseModel noise, final Map<String, Object> settings,
		final Consumer<String> log) throws IOException
	{
		final VolumeArray a = in.array();
		final long[] shape = a.shape();
		final int rank = shape.length, iy = rank - 2, ix = rank - 1, f = task.factor();
		if (in.axis("y") != iy || in.axis("x") != ix) {
			throw new IOException("The volume's last two axes must be y and x; its axes are " + OmeZarr.names(in
				.axes()) + ".");
		}
		if (task.mask() != null && !Arrays.equals(task.mask().shape(), shape)) {
			throw new IOException("The mask is " + Arrays.toString(task.mask().shape()) + " but the volume is " +
				Arrays.toString(shape) + ": give a mask of the volume's shape (non-zero marks a missing voxel).");
		}
		if (task.kind() == Defaults.Task.INPAINT && task.mask() == null && !Double.isNaN(a.typeMax())) {
			throw new IOException("An integer volume holds no NaN to mark missing voxels: give a mask " +
				"(non-zero marks a missing voxel).");
		}
		final long[] outShape = shape.clone();
		final int[] outChunks = a.chunks().clone();
		final double[] outScale = in.scale().clone();
		for (final int d : new int[] { iy, ix }) {
			outShape[d] = shape[d] * f;
			outChunks[d] = (a.chunks()[d] + f - 1) / f * f;
			outScale[d] = in.scale()[d] / f;
		}
		if (!Arrays.equals(outChunks, a.chunks())) {
			log.accept("Output chunks " + Arrays.toString(outChunks) + ": the input's rows and columns per " +
				"chunk rounded up to multiples of the factor " + f + ".");
		}
		final List<ChannelSetup> setups = setUp(in, task, noise, log);
		final Map<String, Object> recorded = new LinkedHashMap<>(settings);
		recorded.put("channels", describe(setups));
		continuable(out, recorded);
		final Map<String, Object> spread = new LinkedHashMap<>(recorded);
		if (std != null) {
			if (std.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize())) {
				throw new IllegalArgumentException("The standard deviation needs an output of its own.");
			}
			spread.put("standard_deviation_of", out.toAbsolutePath().normalize().toString());
			continuable(std, spread);
		}
		return new Prepared(OmeZarr.create(out, in.axes(), outScale, outShape, outChunks, Map.of(
			"diffusion_ij", recorded), log), std == null ? null : OmeZarr.create(std, in.axes(), outScale,
				outShape, outChunks, Map.of("diffusion_ij", spread), log), setups);
	}

	/**
	 * A prepared output opened again, on another machine: the channels' setups as {@link #prepare}
	 * recorded them, so that every block, wherever it runs, is normalized alike.
	 */
	public static Prepared reopen(final Path out, final Path std, final Consumer<String> log)
		throws IOException
	{
		final Map<?, ?> attrs = OmeZarr.attributes(out);
		final Object run = attrs == null ? null : attrs.get("diffusion_ij");
		if (!(run instanceof Map<?, ?> m) || !(m.get("channels") instanceof List<?> channels)) {
			throw new IOException(out + " holds no prepared run: prepare it first (the driver does).");
		}
		final List<ChannelSetup> setups = new ArrayList<>();
		for (final Object c : channels) {
			final Map<?, ?> e = (Map<?, ?>) c;
			setups.add(new ChannelSetup(NoiseModel.parse((String) e.get("noise")), new sc.fiji.diffusion.restore.Normalization(
				((Number) e.get("low")).doubleValue(), ((Number) e.get("high")).doubleValue())));
		}
		return new Prepared(OmeZarr.open(out, 0, log), std == null ? null : OmeZarr.open(std, 0, log), setups);
	}

	/**
	 * Restores one output chunk unless it is written already: its block read with the halo of its
	 * windows, restored, written under a temporary name and moved. A failing block (a read, the
	 * restoration, the write) is tried once more, then named.
	 *
	 * @return whether the chunk was restored (false: it was there)
	 */
	public static boolean restoreChunk(final OmeZarr.Image in, final Task task, final Prepared p,
		final long[] c, final NoiseModel noise, final RestoreOptions o, final Consumer<String> log)
		throws IOException
	{
		final ZarrArray output = p.output().zarr(), spread = p.std() == null ? null : p.std().zarr();
		if (output.hasChunk(c) && (spread == null || spread.hasChunk(c))) return false;
		final NetworkDenoiser model = o.model();
		// A block's windows are the patch's for every task: super-resolution's larger windows would
		// widen each block's halo several times over.
		final RestoreOptions ob = o.withPatchWindows();
		final Defaults.Task windows = ob.tiling(task.kind());
		final int side = TiledDenoiser.window(model, windows);
		final Geometry g = new Geometry(in.array().shape(), output.shape(), output.chunks(), task.factor(),
			side, TiledDenoiser.stride(model, windows), task.kind() == Defaults.Task.DENOISE ? 0 : side);
		for (int attempt = 1;; attempt++) {
			try {
				final float[][] r = restoreBlock(in.array(), task, c, g, in.axis("c"), p.setups(), noise, ob);
				// The spread first: a chunk of the output is there only with its spread.
				if (spread != null) spread.writeChunk(c, r[1]);
				output.writeChunk(c, r[0]);
				return true;
			}
			catch (final IOException | RuntimeException e) {
				if (e instanceof java.util.concurrent.CancellationException) throw e;
				final long free = diskFull(e, output.dir());
				if (free >= 0) {
					throw new IOException("The disk that holds " + output.dir() + " is full (" + free / 1_000_000 +
						" MB free) at chunk " + output.key(c) + ": free space there, or move the output to a larger " +
						"disk, and run the same command again to continue (the chunks written so far are complete " +
						"and kept; none is half-written).", e);
				}
				if (attempt == 2) {
					throw new IOException("Chunk " + output.key(c) + " of " + output.dir() + " failed twice: " + e
						.getMessage() + " (the chunks written so far are kept: rerun to continue).", e);
				}
				log.accept("Chunk " + output.key(c) + " failed (" + e.getMessage() + "); trying again.");
			}
		}
	}

	/**
	 * The usable bytes left where {@code dir} lies when {@code e} says that its disk is full (ENOSPC,
	 * or less space left than a chunk takes), else -1.
	 */
	static long diskFull(final Throwable e, final Path dir) {
		long free;
		try {
			free = java.nio.file.Files.getFileStore(dir).getUsableSpace();
		}
		catch (final IOException | RuntimeException unknown) {
			free = -1;
		}
		for (Throwable t = e; t != null; t = t.getCause()) {
			if (t instanceof IOException && t.getMessage() != null && t.getMessage().contains("No space left")) {
				return Math.max(0, free);
			}
		}
		return e instanceof IOException && free >= 0 && free < 1_000_000 ? free : -1;
	}

	/**
	 * The input of a volume restoration: {@code FILE.h5[:/DATASET]} (HDF5, with the axes and pixel
	 * sizes given, or null for those by rank) or a Zarr array or OME-Zarr image (its resolution level).
	 */
	public static OmeZarr.Image open(final String spec, final int level, final String axes,
		final double[] scale, final Consumer<String> log) throws IOException
	{
		if (isHdf5(spec)) return Hdf5Array.open(spec, axes, scale, log);
		if (axes != null || scale != null) {
			throw new IllegalArgumentException("Axes and pixel sizes are given for HDF5 input, which declares " +
				"neither; a Zarr or OME-Zarr image declares its own.");
		}
		return OmeZarr.open(Path.of(spec), level, log);
	}

	/** Pixel sizes written as {@code 2,0.3,0.3}. */
	public static double[] scales(final String s) {
		try {
			return Arrays.stream(s.split(",")).mapToDouble(v -> Double.parseDouble(v.trim())).toArray();
		}
		catch (final NumberFormatException e) {
			throw new IllegalArgumentException("Pixel sizes '" + s + "': give one number per axis, as " +
				"2,0.3,0.3.");
		}
	}

	/** An HDF5 input: {@code FILE.h5} or {@code FILE.hdf5} (either case), then {@code :DATASET} or nothing. */
	private static final java.util.regex.Pattern HDF5_SPEC = java.util.regex.Pattern.compile(
		"(?i)(.*?\\.(?:h5|hdf5))(?::(.*))?");

	public static boolean isHdf5(final String spec) {
		return HDF5_SPEC.matcher(spec).matches();
	}

	/** The file of an input spec (an HDF5 spec without its dataset). */
	public static Path file(final String spec) {
		final java.util.regex.Matcher m = HDF5_SPEC.matcher(spec);
		return Path.of(m.matches() ? m.group(1) : spec);
	}

	/** The dataset an HDF5 spec names, or null (none named, or not HDF5). */
	static String dataset(final String spec) {
		final java.util.regex.Matcher m = HDF5_SPEC.matcher(spec);
		return m.matches() ? m.group(2) : null;
	}

	/**
	 * Refuses an output that is the input, lies inside it or holds it (the input is never written).
	 */
	public static void requireDistinct(final String input, final Path output) throws IOException {
		final Path in = real(file(input)), out = real(output);
		if (in.equals(out) || out.startsWith(in) || in.startsWith(out)) {
			throw new IllegalArgumentException("The output must lie outside the input (and not hold it): the " +
				"input is never written. Give an output folder beside the input.");
		}
	}

	/** A path with its links resolved as far as it exists, the rest appended. */
	private static Path real(final Path p) throws IOException {
		Path existing = p.toAbsolutePath().normalize();
		Path rest = existing.getFileSystem().getPath("");
		while (existing != null && !java.nio.file.Files.exists(existing)) {
			rest = existing.getFileName().resolve(rest);
			existing = existing.getParent();
		}
		return existing == null ? p.toAbsolutePath().normalize() : existing.toRealPath().resolve(rest).normalize();
	}

	/**
	 * The sampling options a run records (those of {@link RestoreOptions} that change the result),
	 * known before any model is loaded.
	 */
	public record Sampling(int samples, int steps, String sampler, long seed, int resample, double start) {

		public static Sampling of(final RestoreOptions o) {
			return new Sampling(o.samples(), o.steps(), o.sampler(), o.seed(), o.resample(), o.start());
		}
	}

	/**
	 * What identifies a run, recorded in its output and compared when it is continued: the task and
	 * its options, the input, the model's name and SHA-256 and the precision it runs in.
	 */
	public static Map<String, Object> settings(final Task task, final String mask, final String input,
		final OmeZarr.Image in, final Path modelFolder, final String sha256,
		final sc.fiji.diffusion.engine.Precision precision, final Sampling o, final NoiseModel noise)
	{
		final Map<String, Object> m = new LinkedHashMap<>();
		m.put("task", task.name());
		if (task.factor() > 1) m.put("factor", task.factor());
		m.put("input", file(input).toAbsolutePath().normalize().toString());
		m.put("dataset", in.path());
		m.put("axes", OmeZarr.names(in.axes()));
		m.put("scale", in.scale());
		if (mask != null) m.put("mask", file(mask).toAbsolutePath().normalize() + (dataset(mask) == null ? ""
			: ":" + dataset(mask)));
		m.put("model", modelFolder.getFileName().toString());
		m.put("model_sha256", sha256);
		m.put("precision", precision.toString());
		m.put("noise", noise.toString());
		m.put("samples", o.samples());
		m.put("steps", o.steps());
		m.put("sampler", o.sampler());
		m.put("seed", o.seed());
		if (task.kind() != Defaults.Task.DENOISE) {
			m.put("resample", o.resample());
			m.put("start", o.start());
			// 0 means the task's default, which another version may set otherwise: a continuation must
			// not mix the two.
			if (o.samples() == 0 || o.steps() == 0) m.put("defaults", Defaults.IN_WORDS);
		}
		return m;
	}

	/**
	 * Where blocks lie: the input's and the output's shape, the output's chunks, the factor, the
	 * tiling's window and stride (in output pixels), and the context read beyond the windows that
	 * touch a chunk.
	 */
	record Geometry(long[] in, long[] out, int[] chunks, int factor, int window, int stride, int context) {

		/**
		 * The block of output chunk c, in output coordinates: {lo, size}. Along y and x it starts on the
		 * tiling's lattice (and on a multiple of the factor) and holds every window that touches the
		 * chunk, with the context beyond; along the other axes it is the chunk.
		 */
		long[][] block(final long[] c) {
			final int rank = out.length;
			final long[] lo = new long[rank], size = new long[rank];
			for (int d = 0; d < rank; d++) {
				final long c0 = c[d] * chunks[d], c1 = Math.min(out[d], c0 + chunks[d]);
				if (d < rank - 2) {
					lo[d] = c0;
					size[d] = c1 - c0;
					continue;
				}
				final long n = out[d], w0 = Math.max(0, c0 - context), w1 = Math.min(n, c1 + context);
				// Windows start at multiples of the stride; those that touch [w0, w1) lie inside the block.
				final long first = Math.max(0, Math.floorDiv(w0 - window, stride) + 1);
				final long last = (w1 - 1) / stride;
				long l = first * stride, hi = Math.min(n, last * stride + window);
				if (hi == n) {
					// At the far edge the whole image's last windows reach beyond it, into its mirror image:
					// the block starts early enough to hold every row that mirror repeats.
					final long pad = TiledDenoiser.covered(window, stride, (int) n) - n;
					l = Math.min(l, Math.max(0, Math.floorDiv(n - 1 - pad, stride)) * stride);
				}
				// Whole input pixels: the block's edges on multiples of the factor.
				l = l / factor * factor;
				hi = Math.min(n, (hi + factor - 1) / factor * factor);
				lo[d] = l;
				size[d] = hi - l;
			}
			return new long[][] { lo, size };
		}
	}

	/**
	 * One output chunk: its block read with the halo of its windows, restored, cut back to the chunk;
	 * with the samples' standard deviation cut likewise when the options ask for it (else null). An
	 * inpainting block without a missing voxel comes back as read (spread 0).
	 */
	private static float[][] restoreBlock(final VolumeArray a, final Task task, final long[] c,
		final Geometry g, final int ic, final List<ChannelSetup> setups, final NoiseModel noise,
		final RestoreOptions o) throws IOException
	{
		final int rank = g.out().length, f = g.factor();
		final long[][] box = g.block(c);
		final long[] lo = box[0], inLo = lo.clone();
		final int[] size = new int[rank], inSize = new int[rank];
		for (int d = 0; d < rank; d++) {
			size[d] = (int) box[1][d];
			final int by = d >= rank - 2 ? f : 1;
			inLo[d] = lo[d] / by;
			inSize[d] = size[d] / by;
		}
		final float[] block = a.read(inLo, inSize);
		boolean holes = false;
		if (task.mask() != null) {
			final float[] m = task.mask().read(inLo, inSize);
			for (int i = 0; i < m.length; i++) {
				if (Float.isNaN(m[i])) {
					throw new IllegalArgumentException("The mask holds NaN: a mask marks the missing voxels with " +
						"non-zero values and the known ones with 0.");
				}
				if (m[i] != 0) block[i] = Float.NaN;
			}
		}
		for (final float v : block) holes |= Float.isNaN(v);
		// The block as an image of x, y, then the other axes (ImgLib2 order: the C order reversed).
		final long[] dims = new long[rank];
		for (int d = 0; d < rank; d++) dims[d] = inSize[rank - 1 - d];
		final ArrayImg<FloatType, FloatArray> img = ArrayImgs.floats(block, dims);
		final List<ChannelSetup> mine = ic < 0 ? setups : setups.subList((int) lo[ic], (int) lo[ic] + size[ic]);
		final RestoreOptions ob = o.withChannels(mine).withField(field(g.out(), lo, size));
		final int channelAxis = ic < 0 ? -1 : rank - 1 - ic;
		final int voxels = Math.toIntExact(Arrays.stream(size).asLongStream().reduce(1, (x, y) -> x * y));
		final float[] result, spread;
		if (task.kind() == Defaults.Task.INPAINT && !holes) {
			result = block;
			spread = o.std() ? new float[voxels] : null;
		}
		else {
			final sc.fiji.diffusion.restore.Result r = switch (task.kind()) {
				case DENOISE -> Denoise.run(img, channelAxis, noise, ob);
				case INPAINT -> Inpaint.run(img, null, channelAxis, noise, ob);
				default -> SuperResolve.run(img, f, channelAxis, noise, ob);
			};
			result = flat(r.image(), voxels);
			spread = o.std() ? flat(r.std(), voxels) : null;
		}
		// Cut the chunk out of the block, into a whole chunk (zeros beyond the volume's edges).
		final int[] cs = g.chunks();
		int n = 1;
		for (final int s : cs) n *= s;
		final float[] chunk = new float[n];
		final long[] inBlock = new long[rank];
		final int[] chunkSize = new int[rank];
		for (int d = 0; d < rank; d++) {
			final long c0 = c[d] * cs[d];
			chunkSize[d] = (int) Math.min(cs[d], g.out()[d] - c0);
			inBlock[d] = c0 - lo[d];
		}
		Boxes.copy(result, size, inBlock, chunk, cs, new long[rank], chunkSize);
		float[] chunkSpread = null;
		if (spread != null) {
			chunkSpread = new float[n];
			Boxes.copy(spread, size, inBlock, chunkSpread, cs, new long[rank], chunkSize);
		}
		return new float[][] { chunk, chunkSpread };
	}

	/** An image's values in flat (C order of the reversed axes) order. */
	private static float[] flat(final RandomAccessibleInterval<FloatType> image, final int voxels) {
		final float[] out = new float[voxels];
		final Cursor<FloatType> cur = Views.flatIterable(image).cursor();
		for (int i = 0; cur.hasNext(); i++) out[i] = cur.next().get();
		return out;
	}

	/**
	 * The block's planes as the volume's planes (C order over the axes before y and x) and its corner
	 * in the output: the samplers then draw every voxel's noise as a whole-volume run would.
	 */
	static NoiseField field(final long[] out, final long[] lo, final int[] size) {
		final int rank = out.length;
		int count = 1;
		for (int d = 0; d < rank - 2; d++) count *= size[d];
		final long[] planes = new long[count];
		final long[] at = new long[Math.max(0, rank - 2)];
		for (int p = 0; p < count; p++) {
			// Local coordinates of plane p, the last axis before y fastest (ImgLib2's plane order).
			long rest = p, id = 0;
			for (int d = rank - 3; d >= 0; d--) {
				at[d] = rest % size[d];
				rest /= size[d];
			}
			for (int d = 0; d < rank - 2; d++) id = id * out[d] + lo[d] + at[d];
			planes[p] = id;
		}
		return new NoiseField(planes, lo[rank - 2], lo[rank - 1]);
	}

	/**
	 * Each channel's noise model and normalization from a sample of the volume: up to
	 * {@value #SAMPLE_PLANES} planes spread over the other axes, {@value #SAMPLE_GRID} x
	 * {@value #SAMPLE_GRID} tiles of at most {@value #SAMPLE_SIDE}^2 from each, read once.
	 */
	static List<ChannelSetup> setUp(final OmeZarr.Image in, final Task task, final NoiseModel noise,
		final Consumer<String> log) throws IOException
	{
		final VolumeArray a = in.array();
		final long[] shape = a.shape();
		final int rank = shape.length, ic = in.axis("c");
		final int channels = ic < 0 ? 1 : (int) shape[ic];
		final int side = (int) Math.min(SAMPLE_SIDE, Math.min(shape[rank - 2], shape[rank - 1]));
		long planes = 1;
		for (int d = 0; d < rank - 2; d++) if (d != ic) planes *= shape[d];
		final double typeMax = a.typeMax();
		final List<ChannelSetup> setups = new ArrayList<>();
		for (int ch = 0; ch < channels; ch++) {
			final List<float[]> tiles = new ArrayList<>();
			final int count = (int) Math.min(SAMPLE_PLANES, planes);
			for (int k = 0; k < count; k++) {
				// Plane index k-th of count, spread evenly, as coordinates of the axes other than c, y, x.
				long rest = count == 1 ? planes / 2 : k * (planes - 1) / (count - 1);
				final long[] off = new long[rank];
				for (int d = rank - 3; d >= 0; d--) {
					if (d == ic) continue;
					off[d] = rest % shape[d];
					rest /= shape[d];
				}
				if (ic >= 0) off[ic] = ch;
				for (int gy = 0; gy < SAMPLE_GRID; gy++) for (int gx = 0; gx < SAMPLE_GRID; gx++) {
					off[rank - 2] = (shape[rank - 2] - side) * (2L * gy + 1) / (2L * SAMPLE_GRID);
					off[rank - 1] = (shape[rank - 1] - side) * (2L * gx + 1) / (2L * SAMPLE_GRID);
					final int[] size = new int[rank];
					Arrays.fill(size, 1);
					size[rank - 2] = side;
					size[rank - 1] = side;
					final float[] tile = a.read(off, size);
					// Missing voxels take no part in the noise estimate or the normalization.
					if (task.mask() != null) {
						final float[] m = task.mask().read(off, size);
						for (int i = 0; i < m.length; i++) if (m[i] != 0) tile[i] = Float.NaN;
					}
					tiles.add(tile);
				}
			}
			final List<String> report = new ArrayList<>();
			final ChannelSetup s = ChannelSetup.of(tiles, side, side, noise, typeMax, task.kind(),
				report);
			report.forEach(log);
			log.accept((channels > 1 ? "channel " + (ch + 1) + ": " : "") + "noise " + s.noise() + (noise
				instanceof NoiseModel.Auto ? " (estimated)" : "") + ", normalization " + s.normalization()
					.low() + " to " + s.normalization().high() + ", from " + tiles.size() + " tiles of " + side +
				"^2 sampled over the volume");
			setups.add(s);
		}
		return setups;
	}

	/** The setups as the output records them: noise model, and the normalization's low and high. */
	private static List<Map<String, Object>> describe(final List<ChannelSetup> setups) {
		final List<Map<String, Object>> d = new ArrayList<>();
		for (final ChannelSetup s : setups) {
			final Map<String, Object> m = new LinkedHashMap<>();
			m.put("noise", s.noise().toString());
			m.put("low", s.normalization().low());
			m.put("high", s.normalization().high());
			d.add(m);
		}
		return d;
	}

	/** Refuses to continue an output written with other settings. */
	private static void continuable(final Path out, final Map<String, Object> recorded)
		throws IOException
	{
		final Map<?, ?> attrs = OmeZarr.attributes(out);
		if (attrs == null) {
			if (java.nio.file.Files.exists(out.resolve(".zarray"))) {
				throw new IOException(out + " holds a Zarr array of its own: give another output (an OME-Zarr " +
					"image is written there as a folder of its own).");
			}
			return;
		}
		final Object old = attrs.get("diffusion_ij");
		final com.google.gson.Gson gson = new com.google.gson.Gson();
		if (old == null || !gson.toJsonTree(old).equals(gson.toJsonTree(recorded))) {
			throw new IOException(out + " holds " + (old == null ? "another image" : "a run with other " +
				"settings (" + old + ")") + ", not this run's (" + recorded + "): give another output, or " +
				"remove it to start again.");
		}
	}
}
