package sc.fiji.diffusion.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;
import sc.fiji.diffusion.engine.Denoiser;

/**
 * The windows cut and blended back by strided block views equal a window-by-window evaluation
 * written out on the host, for images smaller and larger than a window, several slices, and every way
 * of grouping windows into calls.
 */
class TiledDenoiserTest {

	private static final int WINDOW = 64, OVERLAP = 16;

	/** Depends on the whole window (its mean) and on each window's own level. */
	private static final Denoiser WINDOWED = (x, sigma) -> x.mul(Denoiser.perSample(sigma, x)).add(x
		.mean(new int[] { 3 }, true).mean(new int[] { 2 }, true));

	/**
	 * Super-resolution x4's windows cover a power-of-two image in whole windows (2 x 2 for 512^2, about
	 * 1.13 network pixels per pixel) where denoising's windows of the patch take 11 x 11; the CPU's
	 * calls of the large windows stay within its pixels per call, and a GPU's within its memory.
	 */
	@Test
	void superResolutionTakesWholeLargeWindowsWithinTheCallBudget() throws Exception {
		try (sc.fiji.diffusion.engine.NetworkDenoiser model = sc.fiji.diffusion.model.ModelFolder.load(
			java.nio.file.Paths.get("models", "ddpm-fluo"), Device.cpu()); NDManager m = model.manager()
				.newSubManager())
		{
			final int perCall = TiledDenoiser.windowsPerCall(model, Defaults.Task.SUPER_RESOLVE_4, 0, 4, null);
			final TiledDenoiser sr = TiledDenoiser.of(model, m, perCall, Defaults.Task.SUPER_RESOLVE_4);
			final TiledDenoiser dn = TiledDenoiser.of(model, m, TiledDenoiser.windowsPerCall(model,
				Defaults.Task.DENOISE, 0, 4, null), Defaults.Task.DENOISE);
			assertEquals(2, sr.windows(512));
			assertTrue(sr.covered(512) <= 512 + Defaults.WIDE_OVERLAP, "covered " + sr.covered(512));
			assertEquals(11, dn.windows(512));
			assertEquals(model.patch(), dn.tile());
			assertTrue(perCall >= 1 && (long) perCall * sr.tile() * sr.tile() <= Math.max(TiledDenoiser.CPU_PIXELS, sr
				.tile() * sr.tile()), perCall + " windows of " + sr.tile());
			assertTrue(perCall < TiledDenoiser.windowsPerCall(model, Defaults.Task.DENOISE, 0, 4, null));
		}
	}

	/**
	 * A single image's windows go to the network with its one level for all of them (one embedding for
	 * the call); the same image as the first of two slices goes with a level per window. Both give the
	 * same estimate, in full and where only the windows holding free pixels are asked; so do two slices
	 * with one level for both (as a sampler's step sends them) and with a level each. A level lost on
	 * the way (the network at another timestep) would differ by the estimate's own size.
	 */
	@Test
	void oneSliceTakesOneLevelForAllItsWindows() throws Exception {
		try (sc.fiji.diffusion.engine.NetworkDenoiser model = sc.fiji.diffusion.model.ModelFolder.load(
			java.nio.file.Paths.get("models", "ddpm-fluo"), Device.cpu()); NDManager m = model.manager()
				.newSubManager())
		{
			final TiledDenoiser t = TiledDenoiser.of(model, m, 7, Defaults.Task.DENOISE);
			final NDArray one = m.randomUniform(-1, 1, new Shape(1, 1, 150, 130)).add(m.randomNormal(new Shape(1,
				1, 150, 130)).mul(0.3));
			final NDArray two = one.concat(one.flip(2), 0);
			final boolean[] free = new boolean[2 * 150 * 130];
			for (int i = 40 * 130; i < 60 * 130; i++) free[i] = free[150 * 130 + i] = true;
			for (final float level : new float[] { 0.3f, 4f }) {
				final NDArray a = t.denoise(one, m.create(new float[] { level }));
				final NDArray bothEach = t.denoise(two, m.create(new float[] { level, level }));
				final NDArray b = bothEach.get("0:1");
				// Two slices with one level for both (a sampler's step) as with a level each.
				final NDArray bothOne = t.denoise(two, m.create(new float[] { level }));
				assertTrue(maxAbs(bothOne.sub(bothEach)) < 1e-5 * maxAbs(bothEach), "level " + level +
					": one level for two slices differs by " + maxAbs(bothOne.sub(bothEach)));
				final NDArray c = t.onlyWhere(java.util.Arrays.copyOf(free, 150 * 130), one.mul(0)).denoise(one, m
					.create(new float[] { level }));
				final NDArray d = t.onlyWhere(free, two.mul(0)).denoise(two, m.create(new float[] { level, level }))
					.get("0:1");
				final double scale = maxAbs(b), other = maxAbs(t.denoise(one, m.create(new float[] { level * 0.5f
					})).sub(a));
				assertTrue(other > 1e-2 * scale, "the level changes nothing: " + other);
				assertTrue(maxAbs(a.sub(b)) < 1e-5 * scale, "level " + level + ": one slice differs by " + maxAbs(a
					.sub(b)));
				assertTrue(maxAbs(c.sub(d)) < 1e-5 * scale, "level " + level + ", free pixels only: one slice " +
					"differs by " + maxAbs(c.sub(d)));
			}
		}
	}

	private static double maxAbs(final NDArray a) {
		return sc.fiji.diffusion.engine.HostReads.scalar(a.abs().max());
	}

	/**
	 * Wide windows are cut down to a small image's side, never below the patch: a 100 x 300 output is
	 * not mirrored out to windows of 272 rows (a 64^2 one would cost 18 times its pixels), and its calls
	 * are counted in the windows it takes.
	 */
	@Test
	void wideWindowsAreCutDownToSmallImages() throws Exception {
		try (sc.fiji.diffusion.engine.NetworkDenoiser model = sc.fiji.diffusion.model.ModelFolder.load(
			java.nio.file.Paths.get("models", "ddpm-fluo"), Device.cpu()); NDManager m = model.manager()
				.newSubManager())
		{
			final Defaults.Task x4 = Defaults.Task.SUPER_RESOLVE_4;
			final TiledDenoiser wide = TiledDenoiser.of(model, m, 1, x4, 512);
			assertEquals(Defaults.SUPER_RESOLVE_WINDOW, wide.tile());
			assertEquals(wide.tile(), TiledDenoiser.of(model, m, 1, x4).tile());
			assertEquals(2, wide.windows(512));
			// A side of 100 takes windows of 112 (a multiple of the overlap: blocks of 16, not 4), one window.
			final TiledDenoiser small = TiledDenoiser.of(model, m, 1, x4, 100);
			assertEquals(112, small.tile());
			assertEquals(128, TiledDenoiser.of(model, m, 1, x4, 128).tile());
			assertEquals(1, small.windows(100));
			assertEquals(3, small.windows(300), "windows of 112 sharing " + Defaults.WIDE_OVERLAP);
			// The CPU's pixels per call hold four of them where they held one window of 272.
			assertEquals(1, TiledDenoiser.windowsPerCall(model, x4, 0, 4, null));
			assertEquals(TiledDenoiser.CPU_PIXELS / (128 * 128), TiledDenoiser.windowsPerCall(model, x4, 128, 0, 4,
				null));
			assertEquals(model.patch(), TiledDenoiser.of(model, m, 1, x4, 30).tile());
			assertEquals(model.patch(), TiledDenoiser.of(model, m, 1, Defaults.Task.DENOISE, 512).tile());
		}
	}

	@Test
	void blocksEqualWindowByWindow() {
		for (final int[] size : new int[][] { { 100, 70 }, { 40, 40 }, { 64, 160 }, { 17, 129 } }) {
			for (final int batch : new int[] { 1, 3, 100 }) {
				check(size[0], size[1], 2, batch, WINDOW, OVERLAP);
			}
		}
		// Another lattice: blocks of 8 (gcd of 48 and 40), six to a window.
		check(90, 75, 1, 2, 48, 8);
	}

	@Test
	void identityComesBackUnchanged() {
		try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
			final float[] v = values(3 * 130 * 90);
			final NDArray x = m.create(v, new Shape(3, 1, 130, 90));
			final TiledDenoiser t = new TiledDenoiser((s, sigma) -> s.mul(1), m, WINDOW, OVERLAP, 5, 8, 64);
			final float[] y = t.denoise(x, m.create(new float[] { 1, 2, 3 })).toFloatArray();
			for (int i = 0; i < v.length; i++) assertEquals(v[i], y[i], 1e-5, "pixel " + i);
		}
	}

	@Test
	void onlyTheWindowsHoldingFreePixelsAreEvaluated() {
		final int h = 200, w = 150, slices = 2;
		try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
			final float[] v = values(slices * h * w);
			final boolean[] free = new boolean[v.length];
			// A block in slice 0 spanning two window rows, one pixel in slice 1, near its far corner.
			for (int y = 40; y < 60; y++) for (int x = 10; x < 30; x++) free[y * w + x] = true;
			free[(h + h - 3) * w + w - 2] = true;
			final long[] seen = new long[2];
			final Denoiser counting = (x, sigma) -> {
				seen[0] += x.getShape().get(0);
				seen[1] = Math.max(seen[1], x.getShape().get(0));
				return WINDOWED.denoise(x, sigma);
			};
			final NDArray x = m.create(v, new Shape(slices, 1, h, w)), sigma = m.create(new float[] { 0.5f,
				1.5f });
			final NDArray fallback = x.mul(-3);
			final float[] back = fallback.toFloatArray();
			for (final int batch : new int[] { 1, 5, 100 }) {
				final TiledDenoiser t = new TiledDenoiser(counting, m, WINDOW, OVERLAP, batch, 8, 32);
				final float[] all = t.denoise(x, sigma).toFloatArray();
				// Calls never exceed the batch, also below a row of windows (3 here).
				assertTrue(seen[1] <= batch, "batch " + batch + ": a call of " + seen[1]);
				seen[0] = 0;
				seen[1] = 0;
				final float[] some = t.onlyWhere(free, fallback).denoise(x, sigma).toFloatArray();
				// Block rows 40-59 lie in window rows 0 and 1 (origins 0, 48), columns 10-29 in column 0:
				// 2 windows; the pixel at (197, 148) in the last row and column of slice 1 (4 x 3): 1.
				assertEquals(3, seen[0], "batch " + batch);
				assertTrue(seen[1] <= batch);
				for (int i = 0; i < v.length; i++) {
					if (free[i]) assertEquals(all[i], some[i], 1e-5, "batch " + batch + ", free pixel " + i);
				}
				// Far from every free pixel, only skipped windows: the fallback.
				final int far = (h + 10) * w + 10;
				assertEquals(back[far], some[far], 1e-5);
				seen[0] = 0;
				seen[1] = 0;
			}
		}
	}

	private static void check(final int h, final int w, final int slices, final int batch,
		final int window, final int overlap)
	{
		try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
			final float[] v = values(slices * h * w);
			final float[] sigma = new float[slices];
			for (int k = 0; k < slices; k++) sigma[k] = 0.5f + k;
			final TiledDenoiser t = new TiledDenoiser(WINDOWED, m, window, overlap, batch, 8, 32);
			final float[] got = t.denoise(m.create(v, new Shape(slices, 1, h, w)), m.create(sigma))
				.toFloatArray();
			final float[] want = reference(v, slices, h, w, sigma, window, window - overlap);
			for (int i = 0; i < want.length; i++) {
				assertEquals(want[i], got[i], 1e-4, h + " x " + w + ", batch " + batch + ", pixel " + i);
			}
		}
	}

	/** Window by window on the host: mirrored far edges, origins at multiples of the stride. */
	private static float[] reference(final float[] v, final int slices, final int h, final int w,
		final float[] sigma, final int window, final int stride)
	{
		final int ph = covered(h, window, stride), pw = covered(w, window, stride);
		final float[] win = TiledDenoiser.windowValues(window);
		final float[] out = new float[slices * h * w];
		for (int k = 0; k < slices; k++) {
			final double[] sum = new double[ph * pw], weight = new double[ph * pw];
			for (int y0 = 0; y0 + window <= ph; y0 += stride) {
				for (int x0 = 0; x0 + window <= pw; x0 += stride) {
					double mean = 0;
					for (int y = 0; y < window; y++) {
						for (int x = 0; x < window; x++) mean += pixel(v, k, h, w, y0 + y, x0 + x);
					}
					mean /= window * window;
					for (int y = 0; y < window; y++) {
						for (int x = 0; x < window; x++) {
							final double d = pixel(v, k, h, w, y0 + y, x0 + x) * sigma[k] + mean;
							sum[(y0 + y) * pw + x0 + x] += d * win[y * window + x];
							weight[(y0 + y) * pw + x0 + x] += win[y * window + x];
						}
					}
				}
			}
			for (int y = 0; y < h; y++) {
				for (int x = 0; x < w; x++) out[(k * h + y) * w + x] = (float) (sum[y * pw + x] / weight[y * pw + x]);
			}
		}
		return out;
	}

	private static int covered(final int side, final int window, final int stride) {
		return side <= window ? window : ((side - window + stride - 1) / stride) * stride + window;
	}

	/** Mirrored without repeating the edge pixel, periodically for pads longer than the image. */
	private static float pixel(final float[] v, final int k, final int h, final int w, final int y,
		final int x)
	{
		return v[(k * h + reflect(y, h)) * w + reflect(x, w)];
	}

	private static int reflect(final int i, final int n) {
		if (n == 1) return 0;
		final int j = i % (2 * (n - 1));
		return j < n ? j : 2 * (n - 1) - j;
	}

	private static float[] values(final int n) {
		final float[] v = new float[n];
		final java.util.SplittableRandom r = new java.util.SplittableRandom(7);
		for (int i = 0; i < n; i++) v[i] = (float) (r.nextDouble() * 2 - 1 + Math.sin(i * 0.01));
		return v;
	}
}
