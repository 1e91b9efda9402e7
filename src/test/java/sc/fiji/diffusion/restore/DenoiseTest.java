package sc.fiji.diffusion.restore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;


import java.util.Arrays;
import java.util.SplittableRandom;

import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.real.FloatType;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import sc.fiji.diffusion.engine.NetworkDenoiser;
import sc.fiji.diffusion.engine.data.SyntheticScenes;

/** Denoising with the shipped DDPM model (one network evaluation per tile for the posterior mean). */
class DenoiseTest {

	static NetworkDenoiser model;

	@BeforeAll
	static void load() {
		model = ShippedModel.ddpm();
	}

	/** A scene in camera-like units (offset 100, range 1000) with Gaussian noise. */
	static float[][] noisyScene(final int n, final double sigma, final long seed) {
		final float[] clean = SyntheticScenes.scene(SyntheticScenes.Kind.FILAMENTS, n, n, seed);
		final float[] noisy = new float[clean.length];
		final SplittableRandom r = new SplittableRandom(seed);
		for (int i = 0; i < clean.length; i++) {
			clean[i] = clean[i] * 1000 + 100;
			noisy[i] = (float) (clean[i] + sigma * r.nextGaussian());
		}
		return new float[][] { clean, noisy };
	}

	static double rms(final float[] a, final float[] b) {
		double s = 0;
		for (int i = 0; i < a.length; i++) s += (a[i] - b[i]) * (a[i] - b[i]);
		return Math.sqrt(s / a.length);
	}

	static float[] pixels(final net.imglib2.RandomAccessibleInterval<FloatType> img) {
		return Planes.of(img).plane(0);
	}

	/**
	 * A stack of more than one chunk: the second chunk's input is made ahead while the first runs
	 * ({@link Stacks.Channel#prepare}); planes repeated there come back as they did in the first.
	 */
	@Test
	void aStackOfTwoChunksGivesRepeatedPlanesTheSameResult() {
		final int n = 32, first = Stacks.MAX_CHUNK_PLANES, planes = first + 4;
		assertEquals(2, Stacks.chunks(new int[planes], n, n).size());
		final float[] stack = new float[planes * n * n];
		for (int p = 0; p < first; p++) System.arraycopy(noisyScene(n, 100, 30 + p)[1], 0, stack, p * n * n, n * n);
		// Planes 5 to 8 again (not the chunk's first ones, which a mix-up of positions would give).
		System.arraycopy(stack, 5 * n * n, stack, first * n * n, 4 * n * n);
		final Planes out = Planes.of(Denoise.run(ArrayImgs.floats(stack.clone(), n, n, planes), -1,
			new NoiseModel.Gaussian(100), RestoreOptions.defaults(model, "ddpm", 50)).image());
		for (int k = 0; k < 4; k++) {
			// 1e-4 of the range (1000): batches of 16 and of 4 planes may round differently.
			assertArrayEquals(out.plane(5 + k), out.plane(first + k), 0.1f, "plane " + (first + k));
			assertTrue(rms(out.plane(5 + k), Arrays.copyOfRange(stack, (5 + k) * n * n, (6 + k) * n * n)) > 10,
				"plane " + (5 + k) + " was not denoised");
		}
	}

	/**
	 * Half precision is for GPUs, but PyTorch also runs it (slowly) on the CPU: the network in half,
	 * the state in float, and the answer float's within a small part of the noise.
	 */
	@Test
	void aHalfPrecisionNetworkDenoisesAsTheFloatOneDoes() throws java.io.IOException {
		final float[][] s = noisyScene(64, 100, 8);
		final RestoreOptions o = RestoreOptions.defaults(model, "ddpm", 50);
		final float[] single = pixels(Denoise.run(ArrayImgs.floats(s[1].clone(), 64, 64), -1,
			new NoiseModel.Gaussian(100), o).image());
		try (NetworkDenoiser half = sc.fiji.diffusion.model.ModelFolder.load(java.nio.file.Paths.get(
			"models", "ddpm-fluo"), ai.djl.Device.cpu(), sc.fiji.diffusion.engine.Precision.HALF))
		{
			assertEquals(sc.fiji.diffusion.engine.Precision.HALF, half.precision());
			final float[] h = pixels(Denoise.run(ArrayImgs.floats(s[1].clone(), 64, 64), -1,
				new NoiseModel.Gaussian(100), RestoreOptions.defaults(half, "ddpm", 50)).image());
			assertTrue(rms(h, single) < 1, "half and float differ by RMS " + rms(h, single) +
				" (noise 100, range 1000)");
			assertTrue(rms(h, s[0]) < 0.5 * rms(s[1], s[0]), "half precision did not denoise");
		}
	}

	@Test
	void posteriorMeanRemovesMostOfTheNoiseInTheInputsUnits() {
		final float[][] s = noisyScene(128, 100, 3);
		final Result r = Denoise.run(ArrayImgs.floats(s[1], 128, 128), -1, new NoiseModel.Gaussian(100),
			RestoreOptions.defaults(model, "ddpm", 50));
		final float[] out = pixels(r.image());
		// Noise RMS 100; the restored image must be at least 2.5x closer to the truth.
		assertTrue(rms(out, s[0]) < 40, "RMS error " + rms(out, s[0]));
		// Same units: the mean level is kept.
		final double meanIn = Arrays.stream(toDouble(s[0])).average().orElseThrow();
		final double meanOut = Arrays.stream(toDouble(out)).average().orElseThrow();
		assertEquals(meanIn, meanOut, 10);
	}

	@Test
	void theResultDoesNotDependOnTheTileSize() {
		final float[][] s = noisyScene(256, 100, 5);
		final RestoreOptions o = RestoreOptions.defaults(model, "ddpm", 50);
		final float[] big = pixels(Denoise.run(ArrayImgs.floats(s[1], 256, 256), -1,
			new NoiseModel.Gaussian(100), o.withTile(256)).image());
		final float[] small = pixels(Denoise.run(ArrayImgs.floats(s[1], 256, 256), -1,
			new NoiseModel.Gaussian(100), o.withTile(64)).image());
		assertTrue(rms(big, small) < 10, "tiles 64 vs 256 differ by RMS " + rms(big, small) +
			" (noise sigma 100)");
		// No step along seams: the difference image is no rougher across columns where 64-tiles meet.
		double seam = 0, elsewhere = 0;
		int nSeam = 0, nElse = 0;
		for (int y = 0; y < 256; y++) {
			for (int x = 0; x < 255; x++) {
				final double d = Math.abs((small[y * 256 + x + 1] - big[y * 256 + x + 1]) - (small[y * 256 +
					x] - big[y * 256 + x]));
				if (x % 48 == 47 || x % 64 == 63) {
					seam += d;
					nSeam++;
				}
				else {
					elsewhere += d;
					nElse++;
				}
			}
		}
		assertTrue(seam / nSeam < 2 * elsewhere / nElse, "step at seams: " + seam / nSeam + " vs " +
			elsewhere / nElse);
	}

	/** RMS error against the truth inside and outside a square (side 2r+1 around cx, cy), without skip. */
	private static double[] nearAndFar(final float[] out, final float[] truth, final int n,
		final int cx, final int cy, final int r, final java.util.function.IntPredicate skip)
	{
		double near = 0, far = 0;
		int nn = 0, nf = 0;
		for (int y = 0; y < n; y++) {
			for (int x = 0; x < n; x++) {
				final int i = y * n + x;
				if (skip.test(i)) continue;
				final double d = (out[i] - truth[i]) * (out[i] - truth[i]);
				if (Math.abs(x - cx) <= r && Math.abs(y - cy) <= r) {
					near += d;
					nn++;
				}
				else {
					far += d;
					nf++;
				}
			}
		}
		return new double[] { Math.sqrt(near / nn), Math.sqrt(far / nf) };
	}

	@Test
	void aHotPixelNeitherSpoilsItsNeighboursNorIsLost() {
		final int n = 128, hot = 64 * n + 64;
		final float[][] s = noisyScene(n, 50, 21);
		final RestoreOptions o = RestoreOptions.defaults(model, "ddpm", 50);
		final float[] without = pixels(Denoise.run(ArrayImgs.floats(s[1].clone(), n, n), -1,
			new NoiseModel.Gaussian(50), o).image());
		s[1][hot] = 65535;
		final float[] with = pixels(Denoise.run(ArrayImgs.floats(s[1], n, n), -1, new NoiseModel.Gaussian(
			50), o).image());
		// Away from its own 5 x 5 neighbourhood (a denoiser may spread a bright point a little) the
		// result is that of the image without it. Unclipped, it changed the windows holding it by RMS 26.
		double d = 0;
		int c = 0;
		for (int i = 0; i < n * n; i++) {
			if (Math.abs(i % n - 64) <= 2 && Math.abs(i / n - 64) <= 2) continue;
			d += (with[i] - without[i]) * (with[i] - without[i]);
			c++;
		}
		assertTrue(Math.sqrt(d / c) < 5, "a hot pixel changed the rest by RMS " + Math.sqrt(d / c) +
			" (noise 50)");
		assertTrue(with[hot] > 30000, "the hot pixel itself keeps its value: " + with[hot]);
	}

	@Test
	void aHoleDoesNotDarkenThePixelsAroundIt() {
		final int n = 128;
		final float[][] s = noisyScene(n, 50, 23);
		for (int y = 60; y < 68; y++) for (int x = 60; x < 68; x++) s[1][y * n + x] = Float.NaN;
		final float[] out = pixels(Denoise.run(ArrayImgs.floats(s[1], n, n), -1, new NoiseModel.Gaussian(
			50), RestoreOptions.defaults(model, "ddpm", 50)).image());
		final double[] e = nearAndFar(out, s[0], n, 63, 63, 7, i -> Float.isNaN(s[1][i]));
		// Fed in as the darkest level, the hole raised the error around it to RMS 20 (elsewhere 12).
		assertTrue(e[0] < 1.3 * e[1], "RMS error around the hole " + e[0] + ", elsewhere " + e[1]);
		assertTrue(Float.isNaN(out[63 * n + 63]), "the hole itself stays missing");
	}

	/**
	 * A camera image with its background subtracted (most pixels below 0), 2 stack planes, one of
	 * them all zero: with noise auto the Anscombe transform must not clamp. Before, 79% of such an
	 * image came back as exactly 0 and the zero plane as a constant (the estimated offset).
	 */
	@Test
	void negativeCameraDataSurviveNoiseAuto() {
		final int n = 128;
		final float[] clean = SyntheticScenes.scene(SyntheticScenes.Kind.NUCLEI, n, n, 21);
		final SplittableRandom r = new SplittableRandom(21);
		final float[] img = new float[2 * n * n];
		for (int i = 0; i < n * n; i++) {
			// gain 2 ADU/e, offset 100, read noise 3 ADU, then 700 ADU of background taken off.
			final double electrons = NoiseEstimateTest.poisson(40 + 400 * clean[i], r);
			img[i] = (float) (2 * electrons + 100 + 3 * r.nextGaussian() - 700);
		}
		int below = 0;
		for (int i = 0; i < n * n; i++) if (img[i] < 0) below++;
		assertTrue(below > n * n / 2, "the test image must be mostly negative: " + below);
		final Result res = Denoise.run(ArrayImgs.floats(img.clone(), n, n, 2), -1, new NoiseModel.Auto(),
			RestoreOptions.defaults(model, "ddpm", 10));
		assertTrue(res.report().toString().contains("poisson-gaussian"), res.report().toString());
		final Planes out = Planes.of(res.image());
		final float[] o = out.plane(0);
		double inMean = 0, outMean = 0, lo = Double.MAX_VALUE, hi = -Double.MAX_VALUE;
		for (int i = 0; i < n * n; i++) {
			inMean += img[i] / (double) (n * n);
			outMean += o[i] / (double) (n * n);
			lo = Math.min(lo, img[i]);
			hi = Math.max(hi, img[i]);
		}
		assertEquals(inMean, outMean, 0.01 * (hi - lo), "mean in " + inMean + ", out " + outMean);
		final java.util.Map<Float, Integer> counts = new java.util.HashMap<>();
		for (final float v : o) counts.merge(v, 1, Integer::sum);
		final int most = counts.values().stream().max(Integer::compare).orElse(0);
		assertTrue(most <= n * n / 100, "one output value is shared by " + most + " pixels");
		for (final float v : out.plane(1)) assertEquals(0f, v, 0f);
		assertTrue(res.report().stream().anyMatch(l -> l.contains("plane 2 is constant")), res.report()
			.toString());
	}

	/**
	 * A 16-bit image with 30% of its pixels saturated at 65535 (a block on the right): said in the
	 * report, and the noise estimate and normalization come from the other pixels, so that the rest
	 * restores as the unsaturated part alone does (far from the block, where the network's windows do
	 * not reach it). Before, the saturated level set the normalization and moved the other pixels.
	 */
	@Test
	void saturatedPixelsAreLeftOutOfTheStatistics() {
		final int n = 256, left = 180;
		final float[] scene = SyntheticScenes.scene(SyntheticScenes.Kind.FILAMENTS, n, n, 31);
		final SplittableRandom r = new SplittableRandom(31);
		final short[] full = new short[n * n];
		final float[] crop = new float[left * n];
		for (int y = 0; y < n; y++) {
			for (int x = 0; x < n; x++) {
				final int v = (int) Math.round(scene[y * n + x] * 20000 + 2000 + 300 * r.nextGaussian());
				full[y * n + x] = (short) (x < left ? v : 65535);
				if (x < left) crop[y * left + x] = v;
			}
		}
		final Result a = Denoise.run(ArrayImgs.unsignedShorts(full, n, n), -1, new NoiseModel.Auto(),
			RestoreOptions.defaults(model, "ddpm", 10));
		final Result b = Denoise.run(ArrayImgs.floats(crop, left, n), -1, new NoiseModel.Auto(),
			RestoreOptions.defaults(model, "ddpm", 10));
		assertTrue(a.report().stream().anyMatch(l -> l.contains((n - left) * n + " pixels (29.7%) sit " +
			"at the maximum 65535")), a.report().toString());
		final double sa = sigmaOf(a.report()), sb = sigmaOf(b.report());
		assertEquals(sb, sa, 0.1 * sb, a.report() + " vs " + b.report());
		final float[] oa = Planes.of(a.image()).plane(0), ob = Planes.of(b.image()).plane(0);
		double diff = 0;
		int count = 0;
		for (int y = 0; y < n; y++) {
			for (int x = 0; x < 100; x++) {
				diff += Math.pow(oa[y * n + x] - ob[y * left + x], 2);
				count++;
			}
			assertEquals(65535f, oa[y * n + n - 1], 0f, "a saturated pixel comes back as it was");
		}
		assertTrue(Math.sqrt(diff / count) < 30, "RMS difference from the unsaturated part alone " + Math
			.sqrt(diff / count) + " (noise 300)");
	}

	private static double sigmaOf(final java.util.List<String> report) {
		for (final String l : report) {
			final java.util.regex.Matcher m = java.util.regex.Pattern.compile("gaussian sigma ([0-9.]+)")
				.matcher(l);
			if (m.find()) return Double.parseDouble(m.group(1));
		}
		throw new AssertionError("no Gaussian estimate in " + report);
	}

	@Test
	void imagesBelowTheMinimumSizeAreRefusedNamingIt() {
		for (final int[] wh : new int[][] { { 1, 500 }, { 15, 64 }, { 64, 4 } }) {
			final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Denoise
				.run(ArrayImgs.floats(new float[wh[0] * wh[1]], wh[0], wh[1]), -1, new NoiseModel.Gaussian(1),
					RestoreOptions.defaults(model, "ddpm", 3)));
			assertTrue(e.getMessage().contains("at least 16 x 16"), e.getMessage());
		}
		final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SuperResolve
			.run(ArrayImgs.floats(new float[8 * 8], 8, 8), 4, -1, new NoiseModel.Gaussian(0), RestoreOptions
				.defaults(model, "ddpm", 3)));
		assertTrue(e.getMessage().contains("8 x 8"), e.getMessage());
	}

	@Test
	void theInputIsNeverModified() {
		final float[][] s = noisyScene(64, 100, 7);
		final float[] before = s[1].clone();
		Denoise.run(ArrayImgs.floats(s[1], 64, 64), -1, new NoiseModel.Auto(), RestoreOptions.defaults(
			model, "ddpm", 10));
		assertArrayEquals(before, s[1]);
	}

	@Test
	void samplesGiveAMeanAndAnUncertaintyMap() {
		final float[][] s = noisyScene(64, 100, 9);
		final Result r = Denoise.run(ArrayImgs.floats(s[1], 64, 64), -1, new NoiseModel.Gaussian(100),
			RestoreOptions.defaults(model, "ddim:1", 20).withSamples(3, true));
		assertNotNull(r.std());
		final float[] sd = pixels(r.std());
		double mean = 0;
		for (final float v : sd) {
			assertTrue(v >= 0 && Float.isFinite(v));
			mean += v / sd.length;
		}
		// Posterior spread is below the noise level and above zero.
		assertTrue(mean > 1 && mean < 100, "mean std " + mean);
	}

	@Test
	void smallImagesAndStacksWork() {
		final float[] plane = noisyScene(40, 50, 11)[1];
		final float[] stack = new float[40 * 40 * 3];
		for (int k = 0; k < 3; k++) System.arraycopy(plane, 0, stack, k * 1600, 1600);
		final ArrayImg<FloatType, FloatArray> img = ArrayImgs.floats(stack, 40, 40, 3);
		final Result r = Denoise.run(img, -1, new NoiseModel.Gaussian(50), RestoreOptions.defaults(model,
			"ddpm", 10));
		final Planes out = Planes.of(r.image());
		assertEquals(3, out.count());
		assertEquals(40, out.width());
		// Identical planes, normalized together, come back identical.
		assertArrayEquals(out.plane(0), out.plane(2), 1e-3f);
	}

	@Test
	void eachChannelIsNormalizedOnItsOwn() {
		// Channel 2 is channel 1 in other units (x10 + 500): each channel's own normalization maps both
		// to the same model input, so the results must keep that relation exactly.
		final float[] c1 = noisyScene(64, 50, 13)[1];
		final float[] img = new float[64 * 64 * 2];
		for (int i = 0; i < c1.length; i++) {
			img[i] = c1[i];
			img[c1.length + i] = c1[i] * 10 + 500;
		}
		final Result r = Denoise.run(ArrayImgs.floats(img, 64, 64, 2), 2, new NoiseModel.Auto(),
			RestoreOptions.defaults(model, "ddpm", 10));
		final Planes out = Planes.of(r.image());
		for (int i = 0; i < c1.length; i++) {
			assertEquals(out.plane(0)[i] * 10 + 500, out.plane(1)[i], 0.05, "pixel " + i);
		}
		assertEquals(2, r.report().size(), "one noise estimate per channel: " + r.report());
	}

	@Test
	void missingPixelsStayMissingAndTheRestIsRestored() {
		final float[][] s = noisyScene(64, 50, 17);
		final float[] img = s[1].clone();
		for (int i = 0; i < img.length; i += 97) img[i] = Float.NaN;
		final Result r = Denoise.run(ArrayImgs.floats(img, 64, 64), -1, new NoiseModel.Gaussian(50),
			RestoreOptions.defaults(model, "ddpm", 10));
		final float[] out = pixels(r.image());
		for (int i = 0; i < out.length; i++) {
			if (i % 97 == 0) assertTrue(Float.isNaN(out[i]), "pixel " + i + " was invented");
			else assertTrue(Float.isFinite(out[i]), "pixel " + i + " is " + out[i]);
		}
		assertTrue(String.join(" ", r.report()).contains("missing (NaN or infinite)"), r.report().toString());
	}

	@Test
	void aSparseImageIsRestoredNotTakenForConstant() {
		// Six bright pixels on an even background: the 1st and 99.8th percentiles coincide.
		final int n = 128;
		final float[] img = new float[n * n];
		Arrays.fill(img, 100);
		for (int k = 0; k < 6; k++) img[(20 + 15 * k) * n + 30 + 12 * k] = 1000;
		final float[] out = pixels(Denoise.run(ArrayImgs.floats(img.clone(), n, n), -1,
			new NoiseModel.Gaussian(5), RestoreOptions.defaults(model, "ddpm", 10)).image());
		for (int k = 0; k < 6; k++) {
			final float spot = out[(20 + 15 * k) * n + 30 + 12 * k];
			assertTrue(spot > 300, "spot " + k + " came back as " + spot);
		}
		assertEquals(100, out[5 * n + 5], 10);
	}

	@Test
	void allNanOrConstantImagesAreRefused() {
		final float[] nan = new float[64 * 64];
		Arrays.fill(nan, Float.NaN);
		assertTrue(assertThrows(IllegalArgumentException.class, () -> Denoise.run(ArrayImgs.floats(nan,
			64, 64), -1, new NoiseModel.Gaussian(1), RestoreOptions.defaults(model, "ddpm", 10)))
			.getMessage().contains("no finite"));
		final float[] flat = new float[64 * 64];
		Arrays.fill(flat, 7);
		assertTrue(assertThrows(IllegalArgumentException.class, () -> Denoise.run(ArrayImgs.floats(flat,
			64, 64), -1, new NoiseModel.Gaussian(1), RestoreOptions.defaults(model, "ddpm", 10)))
			.getMessage().contains("constant"));
	}

	static double[] toDouble(final float[] f) {
		final double[] d = new double[f.length];
		for (int i = 0; i < f.length; i++) d[i] = f[i];
		return d;
	}

	@Test
	void thePosteriorMeanReportsProgressPerBatchOfTilesAndCanBeCancelled() {
		final float[][] s = noisyScene(256, 100, 8);
		final java.util.List<int[]> heard = new java.util.ArrayList<>();
		final RestoreOptions o = RestoreOptions.defaults(model, "ddpm", 50).withTile(64).withProgress((
			done, total) -> heard.add(new int[] { done, total }), null);
		Denoise.run(ArrayImgs.floats(s[1].clone(), 256, 256), -1, new NoiseModel.Gaussian(100), o);
		assertTrue(heard.size() > 2, "progress heard " + heard.size() + " times");
		for (int i = 1; i < heard.size(); i++) assertTrue(heard.get(i)[0] >= heard.get(i - 1)[0]);
		final int[] last = heard.get(heard.size() - 1);
		assertEquals(last[1], last[0], "the last report is complete");
		final RestoreOptions stop = o.withProgress((done, total) -> {
			throw new java.util.concurrent.CancellationException("stop");
		}, null);
		org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.CancellationException.class,
			() -> Denoise.run(ArrayImgs.floats(s[1].clone(), 256, 256), -1, new NoiseModel.Gaussian(100),
				stop));
	}
}
