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
import sc.fiji.diffusion.engine.NetworkDenoiser;
import sc.fiji.diffusion.engine.SamplingListener;

/**
 * A denoiser over images of any size: each evaluation cuts the full-size state into overlapping
 * windows on a fixed lattice (origins at multiples of the window minus the overlap, from the image's
 * corner), runs many windows per network call, and blends the estimates with a smooth window. The
 * sampler keeps one full-size state and draws its noise for the whole image, so a seed gives the same
 * result at any batch size. Images are mirrored at their far edges up to the lattice's extent (and at
 * least one window) and cropped back.
 * <p>
 * Windows are cut and blended back with a constant number of array operations per network call,
 * whatever the number of windows: the image is seen as square blocks of the greatest common divisor
 * of window and overlap, each window is k x k blocks and neighbours start s blocks apart, so the
 * windows' block (a, c) of a whole call is one strided view of the image's blocks.
 */
public final class TiledDenoiser implements Denoiser {

	private final Denoiser model;
	private final NDManager cache;
	private final int window, stride, block, batch;
	private final Map<String, NDArray> weightSums = new HashMap<>();
	private NDArray windowArray;
	private SamplingListener batches = SamplingListener.NONE;

	/**
	 * @param model the network, taking (N, 1, w, w) for the window side w
	 * @param cache owns the blending window and weights, on the model's device
	 * @param window window side; a multiple of {@code multiple}, at least {@code minTile}
	 * @param overlap pixels shared by neighbouring windows, in [0, window)
	 * @param batch windows per network call, at least 1 (at least one row of windows is taken)
	 * @param multiple the network's size multiple
	 * @param minTile smallest window the network may see (its training patch: GroupNorm statistics
	 *          are per window)
	 */
	public TiledDenoiser(final Denoiser model, final NDManager cache, final int window,
		final int overlap, final int batch, final int multiple, final int minTile)
	{
		RestoreOptions.checkTile(window, minTile);
		if (window < multiple || window % multiple != 0) {
			throw new IllegalArgumentException("Tile size must be a multiple of " + multiple + ", got " +
				window + ".");
		}
		if (overlap < 0 || overlap >= window) {
			throw new IllegalArgumentException("Tile overlap must be in [0, tile), got " + overlap + ".");
		}
		if (batch < 1) throw new IllegalArgumentException("Tiles per batch must be at least 1.");
		this.model = model;
		this.cache = cache;
		this.window = window;
		this.stride = window - overlap;
		this.block = gcd(window, stride);
		this.batch = batch;
	}

	/**
	 * The tiling of a model for a task: windows of its training patch (GroupNorm's statistics are
	 * then those it was trained with), a quarter of them shared with each neighbour, or the task's
	 * own windows ({@link Defaults#window}).
	 *
	 * @param windowsPerCall windows in one network call (memory only: the result does not change)
	 */
	public static TiledDenoiser of(final NetworkDenoiser model, final NDManager cache,
		final int windowsPerCall, final Defaults.Task task)
	{
		return of(model, cache, windowsPerCall, task, Integer.MAX_VALUE);
	}

	/**
	 * The same for images whose smaller side is {@code side}: windows larger than the patch are cut
	 * down to that side ({@link #window(NetworkDenoiser, Defaults.Task, int)}), so that a small image
	 * is not mirrored out to a large window (a 64^2 plane in windows of 272 would cost 18 times its
	 * pixels).
	 */
	public static TiledDenoiser of(final NetworkDenoiser model, final NDManager cache,
		final int windowsPerCall, final Defaults.Task task, final int side)
	{
		return new TiledDenoiser(model, cache, window(model, task, side), window(model, task) - stride(model,
			task), windowsPerCall, model.network().config().sizeMultiple(), model.patch());
	}

	/**
	 * The windows of a task for images whose smaller side is {@code side}: the task's, or, where they
	 * are larger, that side rounded up to a multiple of both the network's multiple and the overlap
	 * (so that the windows still cut into blocks of the overlap: a side of 100 takes windows of 112),
	 * never below the patch. Not under {@code -Ddiffusion.window}, which measures a window as given.
	 */
	public static int window(final NetworkDenoiser model, final Defaults.Task task, final int side) {
		final int full = window(model, task);
		if (side >= full || System.getProperty("diffusion.window") != null) return full;
		final int multiple = model.network().config().sizeMultiple(), overlap = full - stride(model, task);
		final int unit = overlap > 0 ? multiple / gcd(multiple, overlap) * overlap : multiple;
		final long up = ((long) Math.max(side, model.patch()) + unit - 1) / unit * unit;
		return (int) Math.max(model.patch(), Math.min(full, up));
	}

	/**
	 * The distance between neighbouring windows of a model's tiling for a task: windows start at its
	 * multiples from the image's corner, so that a block of a larger image whose corner sits at a
	 * multiple sees the windows the whole image sees there.
	 */
	public static int stride(final NetworkDenoiser model, final Defaults.Task task) {
		final int multiple = model.network().config().sizeMultiple();
		final int window = window(model, task);
		final int own = Defaults.window(task) > 0 ? (Defaults.WIDE_OVERLAP + multiple - 1) / multiple *
			multiple : Math.max(multiple, window / 4 / multiple * multiple);
		// -Ddiffusion.overlap=N sets another overlap, to measure what it changes (docs/models.md).
		return window - Integer.getInteger("diffusion.overlap", own);
	}

	/**
	 * The side of the windows the model sees for a task: its patch, or the task's windows when larger,
	 * rounded up to the network's multiple.
	 */
	public static int window(final NetworkDenoiser model, final Defaults.Task task) {
		final int multiple = model.network().config().sizeMultiple();
		final int side = Math.max(model.patch(), Defaults.window(task));
		// -Ddiffusion.window=N (at least the patch, a multiple of the network's), to measure what
		// larger windows change (docs/defaults.md).
		final int asked = Integer.getInteger("diffusion.window", side);
		return (Math.max(model.patch(), asked) + multiple - 1) / multiple * multiple;
	}

	/**
	 * Pixels per call on the CPU, 32 windows of 64^2: in float as fast as 16, in bfloat16 about 15%
	 * faster (docs/models.md, 2 cores); larger calls gain nothing more.
	 */
	static final int CPU_PIXELS = 32 * 64 * 64;

	/** Most windows in one call: larger calls gain nothing on an H200 (docs/models.md). */
	static final int MAX_WINDOWS = 4096;

	/**
	 * Device bytes that fit into one call, per loaded model, from the free memory its first
	 * restoration saw: later calls would see less, since PyTorch keeps what the first used in its
	 * cache (which CUDA counts as used), and would shrink their calls from one restoration to the next.
	 */
	private static final Map<NetworkDenoiser, Long> FITS = java.util.Collections.synchronizedMap(
		new java.util.WeakHashMap<>());

	/**
	 * After the device ran out of memory with this many windows per call of a task: later automatic
	 * tilings of this model on a GPU take at most half that memory (the CPU's budget is fixed).
	 */
	public static void ranOutOfMemoryAt(final NetworkDenoiser model, final Defaults.Task task,
		final int windows)
	{
		if (!model.manager().getDevice().isGpu()) return;
		FITS.merge(model, Math.max(1, windows / 2) * bytesPerWindow(model, window(model, task)), Math::min);
	}

	/**
	 * Windows per network call for a task's tiling: tile 0 sizes it from the device, half of a GPU's
	 * free memory (2 GiB of the host's on the CPU, where {@link #CPU_PIXELS} are as fast as more), an
	 * explicit tile gives tile^2 x tileBatch pixels' worth of windows (at least one), capped by that
	 * memory (said to {@code log}).
	 */
	public static int windowsPerCall(final NetworkDenoiser model, final Defaults.Task task,
		final int tile, final int tileBatch, final java.util.function.Consumer<String> log)
	{
		return windowsPerCall(model, task, Integer.MAX_VALUE, tile, tileBatch, log);
	}

	/**
	 * The same for images whose smaller side is {@code side}, in the windows they take ({@link
	 * #window(NetworkDenoiser, Defaults.Task, int)}). The budget is in bytes, so a call that ran out of
	 * memory halves it whichever windows it counted in.
	 */
	public static int windowsPerCall(final NetworkDenoiser model, final Defaults.Task task, final int side,
		final int tile, final int tileBatch, final java.util.function.Consumer<String> log)
	{
		RestoreOptions.checkTile(tile, model.patch());
		final ai.djl.Device device = model.manager().getDevice();
		final int w = window(model, task, side);
		final long each = bytesPerWindow(model, w);
		Long known = FITS.get(model);
		if (known == null) {
			known = sc.fiji.diffusion.engine.Devices.workBudget(device);
			// A GPU whose free memory cannot be read gets the smallest budget, asked again next time.
			if (!device.isGpu() || sc.fiji.diffusion.engine.Devices.freeBytes(device) > 0) FITS.putIfAbsent(
				model, known);
		}
		final int fits = (int) Math.max(1, Math.min(MAX_WINDOWS, known / each));
		if (tile == RestoreOptions.AUTO_TILE) {
			return device.isGpu() ? fits : Math.max(1, Math.min(CPU_PIXELS / (w * w), fits));
		}
		// In pixels: a tile smaller than the task's windows still sends its share of them, at least one.
		final long asked = Math.max(1, (long) tile * tile * tileBatch / ((long) w * w));
		if (asked > fits && log != null) {
			log.accept("Tile " + tile + " (" + asked + " windows of " + w + " per call) is beyond the memory of " +
				device + ": " + fits + " windows per call.");
		}
		return (int) Math.min(asked, fits);
	}

	/**
	 * Device bytes one window of this side takes in a call: every activation of the network, which a
	 * call keeps until it ends, times {@link #ALLOCATOR_SLACK}.
	 */
	static long bytesPerWindow(final NetworkDenoiser model, final int window) {
		final sc.fiji.diffusion.engine.UNetConfig c = model.network().config();
		final int[] w = c.widths();
		final int r = c.resBlocks();
		long elements = 0, side = window;
		for (int l = 0; l < w.length; l++) {
			final long px = side * side;
			// Down blocks, their mirror up blocks (the first of which takes the skip's concatenation), and
			// per block some 14 arrays of its width: norm, SiLU, convolutions, embedding, sums.
			elements += px * w[l] * (28L * r + 7 + 2);
			if (l == w.length - 1) elements += px * w[l] * 28;
			else elements += px * w[l] * 6;
			side = (side + 1) / 2;
		}
		final int bytes = model.precision().dataType().getNumOfBytes();
		return (long) (elements * bytes * ALLOCATOR_SLACK * (model.scripted() ? SCRIPT_SHARE : 1));
	}

	/**
	 * The share of those activations a call through TorchScript holds at its peak: the module frees
	 * each activation once used, where DJL's blocks keep them all to the call's end. On the H200 (runs
	 * 39-40, half precision) a call's device memory grew by 5.6 MB per window for ddpm-fluo and 11.2 MB
	 * for ddpm-fluo-large from 1024 to 1849 windows, a fifth of the 26.5 and 53 MB counted; twice that.
	 */
	static final double SCRIPT_SHARE = 0.4;

	/**
	 * Device memory over the activations counted: on the H200, ddpm-fluo in half precision took 24.3 to
	 * 24.7 MB per window at 1024 to 4096 windows per call (CUDA's count, context and weights included)
	 * against 21.2 MB counted (docs/models.md); a little more for other allocators.
	 */
	static final double ALLOCATOR_SLACK = 1.25;

	public int tile() {
		return window;
	}

	/**
	 * Hears (batches done, batches) of each evaluation: progress, and a chance to cancel, inside one
	 * evaluation of a large image (the posterior mean is one evaluation).
	 */
	public TiledDenoiser reportingBatches(final SamplingListener listener) {
		batches = listener == null ? SamplingListener.NONE : listener;
		return this;
	}

	/** Windows along a side of this many pixels. */
	public int windows(final int side) {
		return windows(window, stride, side);
	}

	private static int windows(final int window, final int stride, final int side) {
		return side <= window ? 1 : (side - window + stride - 1) / stride + 1;
	}

	/** The side the lattice of windows covers. */
	int covered(final int side) {
		return covered(window, stride, side);
	}

	/**
	 * The side a lattice of windows (of this side, this far apart, from the corner) covers for an image
	 * side: beyond the side, the image is mirrored.
	 */
	public static int covered(final int window, final int stride, final int side) {
		return (windows(window, stride, side) - 1) * stride + window;
	}

	@Override
	public NDArray denoise(final NDArray x, final NDArray sigma) {
		return denoise(x, sigma, null, null);
	}

	/**
	 * This tiling, asking the network only for the windows that hold a pixel where {@code free} is
	 * true; the other windows take {@code fallback} as their estimate. For noiseless inpainting, where
	 * the data consistency replaces every known pixel's estimate by the measurement: windows far from
	 * the holes then cost nothing, and what they would say of the known pixels is the measurement.
	 *
	 * @param free per batch entry, row-major H x W: the pixels the estimate matters for
	 * @param fallback the estimate of the skipped windows, shaped as the states; mirrored up to the
	 *          lattice here, once, into its own manager
	 */
	public Denoiser onlyWhere(final boolean[] free, final NDArray fallback) {
		final Shape s = fallback.getShape();
		final int h = (int) s.get(2), w = (int) s.get(3);
		final NDArray padded = mirrorPad(mirrorPad(fallback, 2, covered(h)), 3, covered(w));
		final boolean[] needed = needed(free, (int) s.get(0), h, w, windows(h), windows(w));
		return (x, sigma) -> denoise(x, sigma, needed, padded);
	}

	/**
	 * @param needed per window (slice, row, column) whether the network is asked, null for all
	 * @param other the estimate of the other windows, mirrored up to the lattice
	 */
	private NDArray denoise(final NDArray x, final NDArray sigma, final boolean[] needed,
		final NDArray other)
	{
		final Shape s = x.getShape();
		final int slices = (int) s.get(0), h = (int) s.get(2), w = (int) s.get(3);
		final int ny = windows(h), nx = windows(w), ph = covered(h), pw = covered(w);
		if (needed != null && needed.length != slices * ny * nx) {
			throw new IllegalArgumentException("The free pixels were given for another shape than " + s + ".");
		}
		final List<int[]> calls = calls(needed, slices, ny, nx);
		final NDArray padded = mirrorPad(mirrorPad(x, 2, ph), 3, pw);
		final NDArray out = needed == null ? padded.zerosLike() : other.mul(weightSum(ph, pw));
		final NDArray weights = window();
		final int k = window / block, step = stride / block;
		for (int c = 0; c < calls.size(); c++) {
			final int[] call = calls.get(c);
			// The network's activations of one call die with this sub-manager: on a large image one
			// evaluation is many calls, and keeping them all exhausts memory.
			try (NDManager scope = x.getManager().newSubManager()) {
				scope.tempAttachAll(padded, out, sigma, weights);
				if (other != null) scope.tempAttachAll(other);
				final int n0 = call[0], nn = call[1] - call[0], i0 = call[2], ni = call[3] - call[2],
					j0 = call[4], nj = call[5] - call[4];
				final NDArray windows = cut(padded, call, ph, pw);
				// One level for all (a sampler's step, or a single slice) stays one for the call's windows
				// (Denoiser#denoise), which a network takes as one embedding for the batch; else one level per
				// window.
				final boolean one = sigma.size() == 1;
				final NDArray levels = one ? sigma : sigma.get(n0 + ":" + (n0 + nn)).reshape(-1, 1).repeat(1, ni *
					nj).reshape(-1);
				NDArray d;
				if (needed == null) {
					d = model.denoise(windows, levels);
				}
				else {
					// The skipped windows' share of the blend is in out already (the fallback times the
					// weights): a call adds the difference the network makes in its needed windows.
					final List<Long> picked = new ArrayList<>();
					for (int n = 0; n < nn; n++) for (int i = 0; i < ni; i++) for (int j = 0; j < nj; j++) {
						if (needed[((n0 + n) * ny + i0 + i) * nx + j0 + j]) picked.add((long) ((n * ni + i) * nj + j));
					}
					final NDArray index = scope.create(picked.stream().mapToLong(Long::longValue).toArray());
					final NDIndex at = new NDIndex("{}", index);
					d = windows.zerosLike();
					d.set(at, model.denoise(windows.get(at), one ? levels : levels.get(at)).sub(cut(other, call, ph, pw).get(at)));
				}
				d = d.mul(weights).reshape(nn, ni, nj, k, block, k, block).transpose(3, 5, 0, 1, 4, 2, 6);
				final NDArray target = out.reshape(slices, ph / block, block, pw / block, block);
				for (int a = 0; a < k; a++) {
					for (int b = 0; b < k; b++) {
						target.get(view(call, a, b, step)).addi(d.get(a + ", " + b));
					}
				}
			}
			batches.stepDone(c + 1, calls.size());
		}
		final NDArray blended = out.div(weightSum(ph, pw));
		return ph == h && pw == w ? blended : blended.get(new NDIndex(":, :, :{}, :{}", h, w));
	}

	/** The windows of a call, (windows, 1, window, window), in slice, row, column order. */
	private NDArray cut(final NDArray padded, final int[] call, final int ph, final int pw) {
		final int k = window / block, step = stride / block;
		final int slices = (int) padded.getShape().get(0);
		final int nn = call[1] - call[0], ni = call[3] - call[2], nj = call[5] - call[4];
		final NDArray blocks = padded.reshape(slices, ph / block, block, pw / block, block);
		final NDList cut = new NDList(k * k);
		for (int a = 0; a < k; a++) {
			for (int b = 0; b < k; b++) cut.add(blocks.get(view(call, a, b, step)));
		}
		// (k, k, nn, ni, block, nj, block) -> (nn, ni, nj, k, block, k, block): windows in order.
		return NDArrays.stack(cut).reshape(k, k, nn, ni, block, nj, block).transpose(2, 3, 5, 0, 4, 1, 6)
			.reshape((long) nn * ni * nj, 1, window, window);
	}

	/**
	 * Calls as {slice from, slice to, window row from, row to, column from, column to}: whole slices
	 * together while their windows (the needed ones, when some are skipped) fit into a call, else runs
	 * of rows of one slice, else runs of one row's windows, as many as fit (at least one); calls with
	 * no needed window are left out.
	 */
	private List<int[]> calls(final boolean[] needed, final int slices, final int ny, final int nx) {
		final int[][] perRow = new int[slices][ny];
		for (int n = 0; n < slices; n++) {
			for (int i = 0; i < ny; i++) {
				int c = 0;
				for (int j = 0; j < nx; j++) if (needed == null || needed[(n * ny + i) * nx + j]) c++;
				perRow[n][i] = c;
			}
		}
		final List<int[]> calls = new ArrayList<>();
		int n = 0;
		while (n < slices) {
			// Whole slices while they fit.
			int end = n, load = 0;
			while (end < slices) {
				final int size = java.util.Arrays.stream(perRow[end]).sum();
				if (end > n && load + size > batch || size > batch) break;
				load += size;
				end++;
			}
			if (end > n) {
				if (load > 0) calls.add(new int[] { n, end, 0, ny, 0, nx });
				n = end;
				continue;
			}
			// A slice too large for one call: runs of rows, and a row too large: runs of its windows.
			for (int i = 0; i < ny;) {
				if (perRow[n][i] > batch) {
					for (int j = 0; j < nx;) {
						int last = j, c = 0;
						while (last < nx) {
							final int one = needed == null || needed[(n * ny + i) * nx + last] ? 1 : 0;
							if (last > j && c + one > batch) break;
							c += one;
							last++;
						}
						if (c > 0) calls.add(new int[] { n, n + 1, i, i + 1, j, last });
						j = last;
					}
					i++;
					continue;
				}
				int last = i, rowLoad = 0;
				while (last < ny && perRow[n][last] <= batch && (last == i || rowLoad + perRow[n][last] <=
					batch)) rowLoad += perRow[n][last++];
				if (rowLoad > 0) calls.add(new int[] { n, n + 1, i, last, 0, nx });
				i = last;
			}
			n++;
		}
		return calls;
	}

	/** Windows (slice, row, column) holding at least one free pixel of the image (not its mirror). */
	private boolean[] needed(final boolean[] free, final int slices, final int h, final int w,
		final int ny, final int nx)
	{
		if (free.length != (long) slices * h * w) {
			throw new IllegalArgumentException("The free pixels are " + free.length + " values for " + slices +
				" images of " + w + " x " + h + ".");
		}
		final boolean[] out = new boolean[slices * ny * nx];
		// Summed-area table per slice: free pixels in any rectangle in four reads.
		final int[] table = new int[(h + 1) * (w + 1)];
		for (int n = 0; n < slices; n++) {
			for (int y = 0; y < h; y++) {
				int row = 0;
				for (int x = 0; x < w; x++) {
					if (free[(n * h + y) * w + x]) row++;
					table[(y + 1) * (w + 1) + x + 1] = table[y * (w + 1) + x + 1] + row;
				}
			}
			for (int i = 0; i < ny; i++) {
				final int y0 = i * stride, y1 = Math.min(h, y0 + window);
				for (int j = 0; j < nx; j++) {
					final int x0 = j * stride, x1 = Math.min(w, x0 + window);
					final int c = table[y1 * (w + 1) + x1] - table[y0 * (w + 1) + x1] - table[y1 * (w + 1) + x0] +
						table[y0 * (w + 1) + x0];
					out[(n * ny + i) * nx + j] = c > 0;
				}
			}
		}
		return out;
	}

	/**
	 * Block (a, b) of the windows of a call (slices, window rows and columns, as {@link #calls} gives
	 * them), in an image seen as (slices, block rows, block, block columns, block).
	 */
	private static NDIndex view(final int[] call, final int a, final int b, final int step) {
		final int r0 = call[2] * step + a, c0 = call[4] * step + b;
		return new NDIndex("{}:{}, {}:{}:{}, :, {}:{}:{}, :", call[0], call[1], r0, r0 + (call[3] - call[2] -
			1) * step + 1, step, c0, c0 + (call[5] - call[4] - 1) * step + 1, step);
	}

	private static int gcd(final int a, final int b) {
		return b == 0 ? a : gcd(b, a % b);
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
	private synchronized NDArray window() {
		if (windowArray == null) {
			windowArray = cache.create(windowValues(window), new Shape(1, 1, window, window));
		}
		return windowArray;
	}

	/** The window of a side, row-major. */
	static float[] windowValues(final int side) {
		final float[] w = new float[side * side];
		for (int y = 0; y < side; y++) {
			for (int x = 0; x < side; x++) w[y * side + x] = (float) (ramp(y, side) * ramp(x, side));
		}
		return w;
	}

	private static double ramp(final int i, final int n) {
		final double s = Math.sin(Math.PI * (i + 0.5) / n);
		return Math.max(1e-3, s * s);
	}

	/**
	 * Sum of the windows over the lattice's extent, once per geometry: the window is a product of two
	 * ramps and the lattice a product of two rows of origins, so the sum is the outer product of the
	 * ramps' sums along each axis (no loop over every window's every pixel).
	 */
	private synchronized NDArray weightSum(final int ph, final int pw) {
		return weightSums.computeIfAbsent(ph + "x" + pw, key -> cache.create(rampSum(ph), new Shape(1, 1, ph,
			1)).mul(cache.create(rampSum(pw), new Shape(1, 1, 1, pw))));
	}

	/** The ramps of all windows along a side the lattice covers, summed. */
	private float[] rampSum(final int side) {
		final float[] sum = new float[side];
		for (int o = 0; o + window <= side; o += stride) {
			for (int i = 0; i < window; i++) sum[o + i] += (float) ramp(i, window);
		}
		return sum;
	}
}
