package sc.fiji.diffusion.restore;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import sc.fiji.diffusion.engine.Autograd;
import sc.fiji.diffusion.engine.Percentiles;
import sc.fiji.diffusion.engine.HostReads;
import sc.fiji.diffusion.engine.NetworkDenoiser;
import sc.fiji.diffusion.engine.SamplingListener;

/**
 * How a stack is walked: planes grouped by channel (each channel normalized once), then cut into
 * chunks of planes restored together, small enough to bound device memory.
 */
final class Stacks {

	/**
	 * Pixels per chunk: four full-size float arrays of this size stay well under 1 GB
	 * ({@code -Ddiffusion.chunkPixels=N} sets another, to measure what it changes).
	 */
	static final long CHUNK_PIXELS = Long.getLong("diffusion.chunkPixels", 1 << 22);
	static final int MAX_CHUNK_PLANES = Integer.getInteger("diffusion.chunkPlanes", 16);

	private Stacks() {}

	/** What one restoration does with one channel, set up once from the channel's planes. */
	interface Channel {

		/**
		 * The model-space result for a chunk (positions within the channel's planes) on m: the mean,
		 * then the standard deviation when asked for.
		 */
		NDList restore(NDManager m, TiledDenoiser tiled, int[] chunk, Moments.ChainNoise noise,
			SamplingListener progress);

		/**
		 * Pixels [from, to) of one output plane (position within the channel) back in the input's
		 * units: model-space mean and std (null without) from offset (the plane's first pixel), into out
		 * and sd (null without). Called from several threads at once, for disjoint ranges.
		 */
		void back(int plane, float[] mean, float[] std, int offset, float[] out, float[] sd, int from,
			int to);

		/**
		 * Refines a chunk's result on the host, in model units, before it is mapped back: the mean (in
		 * place) and the standard deviation when {@link #restore} returned one (else null), planes one
		 * after another.
		 */
		default void refine(final int[] chunk, final float[] mean, final float[] std) {}

		/**
		 * Makes the host arrays of the chunk {@link #restore} is asked for next, called while the device
		 * still computes the one before (on a GPU the two overlap; on the CPU they follow each other).
		 */
		default void prepare(final int[] chunk) {}
	}

	/**
	 * The host arrays of one chunk, made ahead by {@link Channel#prepare} and taken once by the
	 * chunk's {@link Channel#restore}; made there when not ahead.
	 */
	static final class Ahead<V> {

		private final java.util.function.Function<int[], V> make;
		private int[] chunk;
		private V value;

		/** @param make a chunk's host arrays */
		Ahead(final java.util.function.Function<int[], V> make) {
			this.make = make;
		}

		void prepare(final int[] forChunk) {
			chunk = forChunk;
			value = make.apply(forChunk);
		}

		V take(final int[] forChunk) {
			final V v = forChunk == chunk ? value : make.apply(forChunk);
			chunk = null;
			value = null;
			return v;
		}
	}

	/**
	 * Sets up a channel from its planes (noise, normalization) and says what it did in the report.
	 * {@code statistics} are the planes with saturated pixels as NaN (the planes themselves when none
	 * is): the noise estimate and the normalization come from them.
	 */
	interface Task {

		/** @param ordinal the channel's number, from 0 (its {@link RestoreOptions#channels} entry) */
		Channel start(List<float[]> planes, List<float[]> statistics, int ordinal, String label,
			List<String> report);
	}

	/** More than this share of a channel's pixels at one extreme means saturation. */
	static final double SATURATED_SHARE = 0.01;

	/**
	 * The planes with saturated pixels as NaN, or the planes themselves when fewer than 1% sit at the
	 * saturation level (the type's maximum for integer images, the channel's maximum for float):
	 * saturated pixels carry no noise and no structure, and would pull the noise estimate and the
	 * normalization. Said in the report.
	 */
	static List<float[]> statistics(final List<float[]> planes, final double typeMax,
		final String label, final List<String> report)
	{
		final float level = Double.isNaN(typeMax) ? Percentiles.finiteRange(planes)[1] : (float) typeMax;
		// Finite pixels and pixels at the level, counted in one pass per plane, planes on all cores.
		final long[] counts = planes.parallelStream().map(p -> {
			final long[] c = new long[2];
			for (final float v : p) {
				if (Float.isFinite(v)) c[0]++;
				if (v == level) c[1]++;
			}
			return c;
		}).reduce(new long[2], (a, b) -> new long[] { a[0] + b[0], a[1] + b[1] });
		final long finite = counts[0], at = counts[1];
		if (at <= SATURATED_SHARE * finite || at == finite) return planes;
		report.add(String.format(java.util.Locale.ROOT, "%s%d pixels (%.1f%%) sit at the maximum %s " +
			"(saturated): the noise estimate and the normalization come from the other pixels", label, at,
			100.0 * at / finite, level));
		final List<float[]> out = new ArrayList<>(planes.size());
		for (final float[] p : planes) {
			final float[] q = p.clone();
			for (int i = 0; i < q.length; i++) if (q[i] == level) q[i] = Float.NaN;
			out.add(q);
		}
		return out;
	}

	/**
	 * The walk every restoration shares: per channel, the task set up once; per chunk of planes, its
	 * result read back from the device and mapped to the input's units. Output planes are factor
	 * times the input's size; {@code kind} chooses the windows ({@link TiledDenoiser#of}).
	 */
	static Result restore(final Planes in, final int factor, final int channelAxis,
		final RestoreOptions o, final Defaults.Task kind, final Task task)
	{
		requireMinimumSize(in);
		final List<String> report = new ArrayList<>();
		final int W = in.width() * factor, H = in.height() * factor, n = W * H;
		final float[][] mean = new float[in.count()][], std = o.std() ? new float[in.count()][] : null;
		final NetworkDenoiser model = o.model();
		Autograd.off();
		final Progress progress = new Progress(o.progress(), in.count());
		// The windows of this restoration's tiling, cut down to the output's smaller side.
		final Defaults.Task tiling = o.tiling(kind);
		final int side = Math.min(W, H);
		final int perCall = TiledDenoiser.windowsPerCall(model, tiling, side, o.tile(), o.tileBatch(),
			report::add);
		final List<int[]> all = channels(in, channelAxis);
		if (o.channels() != null && o.channels().size() != all.size()) {
			throw new IllegalArgumentException(o.channels().size() + " channel setups given for " + all
				.size() + " channels.");
		}
		for (int ordinal = 0; ordinal < all.size(); ordinal++) {
			final int[] channel = all.get(ordinal);
			final List<float[]> planes = new ArrayList<>();
			for (final int p : channel) planes.add(in.plane(p));
			requireSomeFinite(planes);
			final String label = label(channel, in, channelAxis);
			final Channel c = task.start(planes, statistics(planes, in.typeMax(), label, report), ordinal,
				label, report);
			// While the device computes one chunk, the host maps the one before back (on a GPU, whose
			// work is queued, the two overlap; on the CPU they follow each other as before).
			// The next chunk's host arrays are made in the same window.
			Mapped pending = null;
			final List<int[]> chunks = chunks(channel, W, H);
			for (int q = 0; q < chunks.size(); q++) {
				final int[] chunk = chunks.get(q);
				try (NDManager m = model.manager().newSubManager()) {
					final NDList r = c.restore(m, TiledDenoiser.of(model, m, perCall, tiling, side), chunk, noise(o, channel, chunk),
						progress.forChunk(chunk.length));
					if (pending != null) pending.back(c, channel, n, mean, std, progress);
					if (q + 1 < chunks.size()) c.prepare(chunks.get(q + 1));
					if (o.std() && r.size() < 2) throw new IllegalStateException("No spread returned, though asked for.");
					pending = new Mapped(chunk, HostReads.floats(r.get(0)), r.size() > 1 ? HostReads.floats(r
						.get(1)) : null);
				}
			}
			if (pending != null) pending.back(c, channel, n, mean, std, progress);
		}
		return new Result(in.withPlanes(mean, W, H).toImg(), std == null ? null : in.withPlanes(std, W, H)
			.toImg(), report);
	}

	/** A chunk's result read back from the device, still in model units. */
	private record Mapped(int[] chunk, float[] mean, float[] std) {

		/** Maps the chunk's planes back into the output, in pixel ranges on all cores. */
		void back(final Channel c, final int[] channel, final int n, final float[][] outMean,
			final float[][] outStd, final Progress progress)
		{
			c.refine(chunk, mean, std);
			final float[][] out = new float[chunk.length][], sd = new float[chunk.length][];
			final int parts = Math.max(1, n / PIXELS_PER_TASK);
			java.util.stream.IntStream.range(0, chunk.length).parallel().forEach(k -> {
				out[k] = new float[n];
				sd[k] = std == null || outStd == null ? null : new float[n];
			});
			java.util.stream.IntStream.range(0, chunk.length * parts).parallel().forEach(task -> {
				final int k = task / parts, part = task % parts;
				c.back(chunk[k], mean, sd[k] == null ? null : std, k * n, out[k], sd[k], (int) ((long) n * part / parts), (int) ((long) n *
					(part + 1) / parts));
			});
			for (int k = 0; k < chunk.length; k++) {
				outMean[channel[chunk[k]]] = out[k];
				if (outStd != null) outStd[channel[chunk[k]]] = sd[k];
			}
			progress.chunkDone(chunk.length);
		}
	}

	/** Pixels one thread maps back at a time: enough to outweigh the task's cost. */
	static final int PIXELS_PER_TASK = 1 << 16;

	/** The smallest width and height a restoration takes. */
	public static final int MIN_SIDE = 16;

	/**
	 * Refuses images below {@link #MIN_SIDE} on a side: too few pixels for the noise estimate and for
	 * the network's smallest level to see any structure.
	 */
	static void requireMinimumSize(final Planes in) {
		if (in.width() < MIN_SIDE || in.height() < MIN_SIDE) {
			throw new IllegalArgumentException("The image is " + in.width() + " x " + in.height() +
				" pixels; restorations need at least " + MIN_SIDE + " x " + MIN_SIDE + ". Give a larger image " +
				"(or, for a line scan, several lines as one image).");
		}
	}

	/** Plane indices per channel (one group when there is no channel axis). */
	static List<int[]> channels(final Planes in, final int channelAxis) {
		final Map<Integer, List<Integer>> groups = new LinkedHashMap<>();
		for (int p = 0; p < in.count(); p++) {
			final int c = channelAxis < 0 ? 0 : in.coordinate(p, channelAxis);
			groups.computeIfAbsent(c, k -> new ArrayList<>()).add(p);
		}
		final List<int[]> out = new ArrayList<>();
		for (final List<Integer> g : groups.values()) out.add(g.stream().mapToInt(Integer::intValue).toArray());
		return out;
	}

	/** Positions within a channel's plane list, cut into chunks. */
	static List<int[]> chunks(final int[] channel, final int width, final int height) {
		final int per = (int) Math.max(1, Math.min(MAX_CHUNK_PLANES, CHUNK_PIXELS / ((long) width *
			height)));
		final List<int[]> out = new ArrayList<>();
		for (int first = 0; first < channel.length; first += per) {
			final int n = Math.min(per, channel.length - first);
			final int[] c = new int[n];
			for (int i = 0; i < n; i++) c[i] = first + i;
			out.add(c);
		}
		return out;
	}

	/**
	 * Normalized planes of one chunk as one (S, 1, H, W) device array, the copy to the device; values
	 * beyond the network's range are clipped ({@link Normalization#excess}), missing ones enter as -1.
	 */
	static NDArray toDevice(final NDManager m, final List<float[]> planes, final int[] chunk,
		final int width, final int height, final Normalization norm, final double sigma)
	{
		return create(m, normalized(planes, chunk, width, height, norm, sigma), chunk.length, width, height);
	}

	/** {@link #toDevice}'s host part: the chunk's planes normalized into one array. */
	static float[] normalized(final List<float[]> planes, final int[] chunk, final int width,
		final int height, final Normalization norm, final double sigma)
	{
		final int n = width * height;
		final float[] flat = new float[chunk.length * n];
		final Normalization.Mapping map = norm.at(sigma);
		java.util.stream.IntStream.range(0, chunk.length).parallel().forEach(k -> {
			final float[] p = planes.get(chunk[k]);
			for (int i = 0; i < n; i++) flat[k * n + i] = Float.isFinite(p[i]) ? map.toNetwork(p[i]) : -1;
		});
		return flat;
	}

	/** {@link #toDevice}'s copy: S planes of width x height as one (S, 1, H, W) device array. */
	static NDArray create(final NDManager m, final float[] flat, final int planes, final int width,
		final int height)
	{
		return m.create(flat, new Shape(planes, 1, height, width));
	}

	/**
	 * The noise of one chunk's chains: by position in the volume when the options give a field, else
	 * from the chunk's seed.
	 */
	static Moments.ChainNoise noise(final RestoreOptions o, final int[] channel, final int[] chunk) {
		if (o.field() == null) return Moments.seeded(seedOf(o.seed(), channel[chunk[0]]));
		final int[] planes = new int[chunk.length];
		for (int k = 0; k < chunk.length; k++) planes[k] = channel[chunk[k]];
		return o.field().chains(o.seed(), planes);
	}

	/**
	 * Seed of one chunk: the user's seed mixed with the chunk's first plane, so that channels and
	 * chunks of a stack never share a noise pattern.
	 */
	static long seedOf(final long seed, final int firstPlane) {
		return seed * 1_000_003L + firstPlane;
	}

	/** Number of missing (non-finite) pixels in the planes. */
	static long missing(final List<float[]> planes) {
		return planes.parallelStream().mapToLong(p -> {
			long c = 0;
			for (final float v : p) if (!Float.isFinite(v)) c++;
			return c;
		}).sum();
	}

	static void requireSomeFinite(final List<float[]> planes) {
		for (final float[] p : planes) for (final float v : p) if (Float.isFinite(v)) return;
		throw new IllegalArgumentException("The image holds no finite pixel value (all NaN or " +
			"infinite): there is nothing to restore.");
	}

	static String label(final int[] channel, final Planes in, final int channelAxis) {
		return channelAxis < 0 ? "" : "channel " + (in.coordinate(channel[0], channelAxis) + 1) + ": ";
	}

	/** Maps sampler steps within chunks to work done over the whole stack. */
	static final class Progress {

		private final SamplingListener listener;
		private final int planes;
		private int done;

		Progress(final SamplingListener listener, final int planes) {
			this.listener = listener;
			this.planes = planes;
		}

		/** Listener for one chunk of n planes: steps scaled into this chunk's share. */
		SamplingListener forChunk(final int n) {
			final int base = done;
			return (i, total) -> listener.stepDone((int) Math.min(Integer.MAX_VALUE - 1, (long) base *
				1000 + (long) n * 1000 * i / Math.max(1, total)), planes * 1000);
		}

		void chunkDone(final int n) {
			done += n;
			listener.stepDone(done * 1000, planes * 1000);
		}
	}
}
