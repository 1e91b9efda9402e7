package sc.fiji.diffusion.restore;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import sc.fiji.diffusion.engine.Denoiser;
import sc.fiji.diffusion.engine.SamplingListener;

/**
 * A denoiser over images of any size: each evaluation cuts the full-size state into overlapping
 * tiles, runs several tiles per network call, and blends the estimates with a smooth window. The
 * sampler keeps one full-size state and draws its noise for the whole image, so a seed gives the same
 * result at any tile size up to the network's own dependence on the tile (GroupNorm statistics are
 * per tile: tiles must be at least the training patch). Images smaller than a tile are mirrored up to
 * the tile size and cropped back.
 */
public final class TiledDenoiser implements Denoiser {

	private final Denoiser model;
	private final NDManager cache;
	private final int tile, overlap, batch, multiple, minTile;
	private final Map<String, NDArray> weightSums = new HashMap<>(), windows = new HashMap<>();
	private SamplingListener batches = SamplingListener.NONE;

	/**
	 * @param model the network, taking (N, 1, h, w) with h and w multiples of {@code multiple}
	 * @param cache owns the blending windows, on the model's device
	 * @param tile tile side; a multiple of {@code multiple}
	 * @param overlap pixels shared by neighbouring tiles
	 * @param batch tiles per network call
	 * @param minTile smallest tile the network may see (its training patch); smaller images are
	 *          mirrored up to it
	 */
	public TiledDenoiser(final Denoiser model, final NDManager cache, final int tile,
		final int overlap, final int batch, final int multiple, final int minTile)
	{
		RestoreOptions.checkTile(tile, minTile);
		if (tile < multiple || tile % multiple != 0) {
			throw new IllegalArgumentException("Tile size must be a multiple of " + multiple + ", got " +
				tile + ".");
		}
		if (overlap < 0 || overlap >= tile) {
			throw new IllegalArgumentException("Tile overlap must be in [0, tile), got " + overlap + ".");
		}
		if (batch < 1) throw new IllegalArgumentException("Tiles per batch must be at least 1.");
		this.model = model;
		this.cache = cache;
		this.tile = tile;
		this.overlap = overlap;
		this.batch = batch;
		this.multiple = multiple;
		this.minTile = minTile;
	}

	public int tile() {
		return tile;
	}

	/**
	 * Hears (batches done, batches) of each evaluation: progress, and a chance to cancel, inside one
	 * evaluation of a large image (the posterior mean is one evaluation).
	 */
	public TiledDenoiser reportingBatches(final SamplingListener listener) {
		batches = listener == null ? SamplingListener.NONE : listener;
		return this;
	}

	@Override
	public NDArray denoise(final NDArray x, final NDArray sigma) {
		final Shape s = x.getShape();
		final int h = (int) s.get(2), w = (int) s.get(3);
		final int th = tileSide(h), tw = tileSide(w);
		final NDArray padded = mirrorPad(mirrorPad(x, 2, Math.max(h, th)), 3, Math.max(w, tw));
		final int ph = Math.max(h, th), pw = Math.max(w, tw);
		final int[] ys = origins(ph, th), xs = origins(pw, tw);
		final long slices = s.get(0);
		final List<long[]> tiles = new ArrayList<>();
		for (long k = 0; k < slices; k++) {
			for (final int y : ys) for (final int xx : xs) tiles.add(new long[] { k, y, xx });
		}
		final NDArray window = window(th, tw);
		final NDArray out = padded.zerosLike();
		try (NDManager evaluation = x.getManager().newSubManager()) {
			// Each tile's noise level, gathered once per evaluation (not two small operations per tile).
			final long[] ids = new long[tiles.size()];
			for (int i = 0; i < ids.length; i++) ids[i] = tiles.get(i)[0];
			evaluation.tempAttachAll(sigma);
			final NDArray levels = sigma.take(evaluation.create(ids));
			for (int first = 0; first < tiles.size(); first += batch) {
				// The network's activations of one batch of tiles die with this sub-manager: on a large
				// image one evaluation is many batches, and keeping them all exhausts memory.
				try (NDManager scope = x.getManager().newSubManager()) {
					scope.tempAttachAll(padded, out, levels, window);
					final int end = Math.min(tiles.size(), first + batch);
					final List<long[]> group = tiles.subList(first, end);
					final NDList cut = new NDList();
					for (final long[] t : group) cut.add(padded.get(index(t, th, tw)));
					// Weighted by the window in one operation; each tile then added in place into its view.
					final NDArray d = model.denoise(NDArrays.concat(cut, 0), levels.get(first + ":" + end)).mul(
						window);
					for (int i = 0; i < group.size(); i++) {
						out.get(index(group.get(i), th, tw)).addi(d.get(i).expandDims(0));
					}
				}
				batches.stepDone(first / batch + 1, (tiles.size() + batch - 1) / batch);
			}
		}
		final NDArray blended = out.div(weightSum(ph, pw, th, tw));
		return ph == h && pw == w ? blended : blended.get(new NDIndex(":, :, :{}, :{}", h, w));
	}

	/** Tile side for an image side: the tile, or the image rounded up to the size multiple. */
	private int tileSide(final int side) {
		final int rounded = (side + multiple - 1) / multiple * multiple;
		return Math.max(minTile, Math.min(tile, rounded));
	}

	private static NDIndex index(final long[] t, final int th, final int tw) {
		return new NDIndex("{}:{}, :, {}:{}, {}:{}", t[0], t[0] + 1, t[1], t[1] + th, t[2], t[2] + tw);
	}

	/** Tile origins covering [0, size), neighbours sharing at least the overlap, evenly spread. */
	private int[] origins(final int size, final int t) {
		if (size <= t) return new int[] { 0 };
		final int step = t - overlap;
		final int n = (int) Math.ceil((size - t) / (double) step) + 1;
		final int[] out = new int[n];
		for (int i = 0; i < n; i++) out[i] = (int) Math.round((double) i * (size - t) / (n - 1));
		return out;
	}

	/** Extends axis {@code axis} to {@code size} by mirroring at the far end (repeatedly if needed). */
	private static NDArray mirrorPad(NDArray x, final int axis, final int size) {
		while (x.getShape().get(axis) < size) {
			final long have = x.getShape().get(axis);
			if (have == 1) {
				// Nothing to mirror in a single row or column: repeat it.
				x = x.repeat(axis, size);
				continue;
			}
			final long add = Math.min(size - have, Math.max(1, have - 1));
			final String range = (have - 1 - add) + ":" + (have - 1);
			final String idx = axis == 2 ? ":, :, " + range + ", :" : ":, :, :, " + range;
			x = x.concat(x.get(idx).flip(axis), axis);
		}
		return x;
	}

	/** Separable squared-sine window, never zero, so every pixel has weight. */
	private NDArray window(final int th, final int tw) {
		return windows.computeIfAbsent(th + "x" + tw, k -> cache.create(windowValues(th, tw), new Shape(1,
			1, th, tw)));
	}

	private static float[] windowValues(final int th, final int tw) {
		final float[] w = new float[th * tw];
		for (int y = 0; y < th; y++) {
			for (int x = 0; x < tw; x++) w[y * tw + x] = (float) (ramp(y, th) * ramp(x, tw));
		}
		return w;
	}

	private static double ramp(final int i, final int n) {
		final double s = Math.sin(Math.PI * (i + 0.5) / n);
		return Math.max(1e-3, s * s);
	}

	/** Sum of the windows over the padded image: computed on the host once per geometry. */
	private NDArray weightSum(final int ph, final int pw, final int th, final int tw) {
		return weightSums.computeIfAbsent(ph + "x" + pw + "/" + th + "x" + tw, k -> {
			final float[] host = windowValues(th, tw);
			final float[] sum = new float[ph * pw];
			for (final int y0 : origins(ph, th)) {
				for (final int x0 : origins(pw, tw)) {
					for (int y = 0; y < th; y++) {
						for (int x = 0; x < tw; x++) sum[(y0 + y) * pw + x0 + x] += host[y * tw + x];
					}
				}
			}
			return cache.create(sum, new Shape(1, 1, ph, pw));
		});
	}
}
