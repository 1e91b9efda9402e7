package sc.fiji.diffusion.benchmark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sc.fiji.diffusion.benchmark.MetricsTest.addNoise;
import static sc.fiji.diffusion.benchmark.MetricsTest.texture;

import java.util.Arrays;
import java.util.Set;

import org.junit.jupiter.api.Test;
import sc.fiji.diffusion.restore.Fill;
import sc.fiji.diffusion.restore.Upsample;

class ClassicalTest {

	// --- Gaussian ---------------------------------------------------------------------------------

	@Test
	void gaussianKeepsAConstantImageConstantUpToTheBorders() {
		final float[] img = new float[23 * 17];
		Arrays.fill(img, 0.37f);
		final float[] out = Classical.gaussian(img, 23, 17, 2.5);
		for (final float v : out) assertEquals(0.37, v, 1e-6);
	}

	@Test
	void gaussianReducesWhiteNoiseVarianceByTheTheoreticalFactor() {
		// A 2D Gaussian of width s passes a fraction 1 / (4 pi s^2) of white noise's variance.
		final int w = 256, h = 256;
		final double sigma = 2;
		final float[] noise = addNoise(new float[w * h], 1, 12);
		final float[] out = Classical.gaussian(noise, w, h, sigma);
		final double variance = interiorVariance(out, w, h, 10);
		assertEquals(1 / (4 * Math.PI * sigma * sigma), variance, 0.15 / (4 * Math.PI * sigma * sigma));
	}

	@Test
	void gaussianImpulseResponseIsNormalisedSymmetricAndOfTheRightWidth() {
		final int w = 41, h = 41;
		final float[] delta = new float[w * h];
		delta[20 * w + 20] = 1;
		final double sigma = 3;
		final float[] out = Classical.gaussian(delta, w, h, sigma);
		double sum = 0, second = 0;
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				sum += out[y * w + x];
				second += out[y * w + x] * (x - 20) * (x - 20);
			}
		assertEquals(1, sum, 1e-5);
		assertEquals(sigma * sigma, second, 0.02 * sigma * sigma);
		assertEquals(out[20 * w + 17], out[20 * w + 23], 1e-9);
		assertEquals(out[17 * w + 20], out[20 * w + 17], 1e-9);
	}

	@Test
	void gaussianOfZeroSigmaIsACopy() {
		final float[] img = texture(12, 9, 13);
		final float[] out = Classical.gaussian(img, 12, 9, 0);
		assertNotSame(img, out);
		assertArrayEquals(img, out);
	}

	// --- Median -----------------------------------------------------------------------------------

	@Test
	void medianRemovesIsolatedSaltNoise() {
		final int w = 40, h = 30;
		final float[] clean = new float[w * h];
		Arrays.fill(clean, 0.3f);
		final float[] salted = clean.clone();
		// Salt at most two per 3 x 3 window, including at the borders and corners.
		for (int y = 0; y < h; y += 3)
			for (int x = (y / 3) % 3; x < w; x += 3) salted[y * w + x] = 1;
		salted[0] = 1;
		salted[w * h - 1] = 1;
		assertArrayEquals(clean, Classical.median(salted, w, h, 1));
	}

	@Test
	void medianKeepsAStepEdgeSharp() {
		final int w = 20, h = 10;
		final float[] step = new float[w * h];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) step[y * w + x] = x < 9 ? 0.2f : 0.8f;
		assertArrayEquals(step, Classical.median(step, w, h, 2));
		// Whereas a blur smears it.
		assertNotEquals(step[9], Classical.gaussian(step, w, h, 1)[9]);
	}

	@Test
	void medianMatchesSortingTheWindow() {
		final int w = 19, h = 13, r = 2;
		final float[] img = texture(w, h, 14);
		final float[] out = Classical.median(img, w, h, r);
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				final float[] window = new float[(2 * r + 1) * (2 * r + 1)];
				int n = 0;
				for (int j = -r; j <= r; j++)
					for (int i = -r; i <= r; i++) window[n++] = img[mirror(y + j, h) * w + mirror(x + i, w)];
				Arrays.sort(window);
				assertEquals(window[n / 2], out[y * w + x], "at " + x + ", " + y);
			}
	}

	// --- NL-means ---------------------------------------------------------------------------------

	@Test
	void nonLocalMeansMatchesADirectImplementation() {
		final int w = 21, h = 16;
		final float[] img = addNoise(texture(w, h, 15), 0.1, 16);
		for (final int[] radii : new int[][] { { 1, 3 }, { 2, 2 }, { 1, 5 } }) {
			final float[] fast = Classical.nonLocalMeans(img, w, h, 0.1, 0.8, radii[0], radii[1]);
			final float[] direct = directNonLocalMeans(img, w, h, 0.1, 0.8, radii[0], radii[1]);
			for (int i = 0; i < fast.length; i++)
				assertEquals(direct[i], fast[i], 1e-5, "patch " + radii[0] + ", search " + radii[1] +
					", pixel " + i);
		}
	}

	@Test
	void nonLocalMeansKeepsAConstantImage() {
		final float[] img = new float[30 * 20];
		Arrays.fill(img, 0.6f);
		for (final float v : Classical.nonLocalMeans(img, 30, 20, 0.05, 1, 1, 4)) assertEquals(0.6, v,
			1e-6);
	}

	@Test
	void nonLocalMeansBeatsEveryGaussianOnANoisyPiecewiseConstantImage() {
		final int w = 64, h = 64;
		final float[] truth = shapes(w, h);
		final float[] noisy = addNoise(truth, 0.1, 17);
		final float[] copy = noisy.clone();
		final double nlm = Metrics.psnr(Classical.nonLocalMeans(noisy, w, h, 0.1, 0.8, 1, 5), truth,
			1);
		double gaussian = Double.NEGATIVE_INFINITY;
		for (final double s : new double[] { 0.5, 0.75, 1, 1.5, 2, 3 })
			gaussian = Math.max(gaussian, Metrics.psnr(Classical.gaussian(noisy, w, h, s), truth, 1));
		assertTrue(nlm > gaussian + 2, "NL-means " + nlm + " dB, best Gaussian " + gaussian + " dB");
		assertArrayEquals(copy, noisy);
	}

	@Test
	void nonLocalMeansRefusesANonPositiveStrength() {
		final float[] img = new float[100];
		assertThrows(IllegalArgumentException.class, () -> Classical.nonLocalMeans(img, 10, 10, 0, 1,
			1, 3));
		assertThrows(IllegalArgumentException.class, () -> Classical.nonLocalMeans(img, 10, 10, 0.1,
			0, 1, 3));
	}

	// --- Inpainting -------------------------------------------------------------------------------

	@Test
	void harmonicFillReproducesHarmonicFunctionsExactly() {
		final int w = 48, h = 40;
		final boolean[] hole = rectangle(w, h, 10, 8, 25, 18);
		// Linear functions, x^2 - y^2 and x y have zero (discrete) Laplacian.
		for (final Field f : new Field[] { (x, y) -> 0.01 * x - 0.02 * y + 0.3,
			(x, y) -> 1e-4 * ((x - 20) * (x - 20) - (y - 15) * (y - 15)) + 0.5,
			(x, y) -> 2e-4 * (x - 20) * (y - 15) + 0.5 })
		{
			final float[] truth = sample(f, w, h);
			assertArrayEquals(truth, Fill.solveHarmonic(punch(truth, hole), hole, w, h), 1e-5f);
		}
	}

	@Test
	void biharmonicFillReproducesLinearAndQuadraticFunctionsExactly() {
		final int w = 48, h = 40;
		final boolean[] hole = rectangle(w, h, 10, 8, 25, 18);
		for (final Field f : new Field[] { (x, y) -> 0.01 * x - 0.02 * y + 0.3,
			(x, y) -> 1e-4 * ((x - 20) * (x - 20) + 2 * (y - 15) * (y - 15)) + 0.2,
			(x, y) -> 2e-4 * (x - 20) * (y - 15) + 0.5 })
		{
			final float[] truth = sample(f, w, h);
			assertArrayEquals(truth, Fill.solveBiharmonic(punch(truth, hole), hole, w, h), 1e-5f);
		}
	}

	@Test
	void onlyBiharmonicFillReproducesABowl() {
		final int w = 48, h = 40;
		final boolean[] hole = rectangle(w, h, 10, 8, 25, 18);
		final float[] truth = sample((x, y) -> 1e-3 * ((x - 20) * (x - 20) + (y - 15) * (y - 15)), w,
			h);
		final float[] input = punch(truth, hole);
		assertTrue(Metrics.psnr(Fill.solveHarmonic(input, hole, w, h), truth, 1, hole) < 40);
		assertTrue(Metrics.psnr(Fill.solveBiharmonic(input, hole, w, h), truth, 1, hole) > 90);
		final Classical.Best best = Classical.bestInpaint(input, hole, truth, w, h);
		assertEquals("biharmonic", best.method());
		assertEquals(Metrics.psnr(best.image(), truth, 1, hole), best.psnr(), 1e-9);
	}

	@Test
	void fillingLeavesKnownPixelsAndItsInputsAlone() {
		final int w = 37, h = 29;
		final float[] truth = texture(w, h, 18);
		final boolean[] hole = rectangle(w, h, 5, 4, 20, 11);
		for (int x = 0; x < w; x++) hole[20 * w + x] = true;
		final float[] input = punch(truth, hole); // NaN in the holes
		final float[] inputCopy = input.clone();
		final boolean[] holeCopy = hole.clone();
		for (final float[] out : new float[][] { Fill.solveHarmonic(input, hole, w, h),
			Fill.solveBiharmonic(input, hole, w, h) })
		{
			for (int i = 0; i < out.length; i++) {
				if (hole[i]) assertTrue(Float.isFinite(out[i]), "pixel " + i);
				else assertEquals(Float.floatToIntBits(input[i]), Float.floatToIntBits(out[i]));
			}
		}
		assertArrayEquals(inputCopy, input);
		assertArrayEquals(holeCopy, hole);
	}

	@Test
	void fullRowsAndBorderHolesAreFilled() {
		// A ramp along y survives rows missing from edge to edge (holes touching the left and right
		// borders): the reflecting border only adds flux where the ramp meets it, at the top and bottom.
		final int w = 30, h = 25;
		final float[] truth = sample((x, y) -> 0.03 * y + 0.1, w, h);
		final boolean[] hole = new boolean[w * h];
		for (final int y : new int[] { 3, 10, 11, 12, 17 })
			for (int x = 0; x < w; x++) hole[y * w + x] = true;
		assertArrayEquals(truth, Fill.solveHarmonic(punch(truth, hole), hole, w, h), 1e-5f);
		assertArrayEquals(truth, Fill.solveBiharmonic(punch(truth, hole), hole, w, h), 1e-5f);
	}

	@Test
	void largeFillsConverge() {
		// The benchmark's worst case: a 30 x 150 hole plus full rows and a full column, 256 x 256.
		final int w = 256, h = 256;
		final float[] truth = texture(w, h, 19);
		final boolean[] hole = rectangle(w, h, 50, 100, 200, 130);
		for (int x = 0; x < w; x++) hole[20 * w + x] = hole[21 * w + x] = hole[201 * w + x] = true;
		for (int y = 0; y < h; y++) hole[y * w + 240] = true;
		final float[] input = punch(truth, hole);

		// Speed is the benchmark's business, not a unit test's.
		final float[] harmonic = Fill.solveHarmonic(input, hole, w, h);
		final float[] biharmonic = Fill.solveBiharmonic(input, hole, w, h);

		// Converged: the equations hold in the holes up to float rounding of the result.
		final double[] lap = laplacian(toDouble(harmonic), w, h);
		final double[] bilap = laplacian(laplacian(toDouble(biharmonic), w, h), w, h);
		for (int i = 0; i < w * h; i++) {
			if (!hole[i]) continue;
			assertEquals(0, lap[i], 1e-5, "Laplacian at " + i);
			assertEquals(0, bilap[i], 1e-4, "bi-Laplacian at " + i);
		}
	}

	@Test
	void fillingRefusesAnImageWithoutKnownPixelsAndCopiesOneWithoutHoles() {
		final float[] img = texture(8, 6, 20);
		final boolean[] all = new boolean[48];
		Arrays.fill(all, true);
		assertThrows(IllegalArgumentException.class, () -> Fill.solveHarmonic(img, all, 8, 6));
		assertThrows(IllegalArgumentException.class, () -> Fill.solveBiharmonic(img, all, 8, 6));
		final float[] out = Fill.solveBiharmonic(img, new boolean[48], 8, 6);
		assertNotSame(img, out);
		assertArrayEquals(img, out);
	}

	// --- Upsampling -------------------------------------------------------------------------------

	@Test
	void upsamplingAConstantGivesTheConstant() {
		final float[] lo = new float[9 * 7];
		Arrays.fill(lo, 0.42f);
		final float[] up = Upsample.bicubic(lo, 9, 7, 3);
		assertEquals(27 * 21, up.length);
		for (final float v : up) assertEquals(0.42, v, 1e-6);
	}

	@Test
	void upsamplingABinnedRampReproducesTheRamp() {
		// Block means of a ramp sit at the block centres; a half-pixel misalignment would shift the
		// result by half a low-resolution step, i.e. by 0.005 * factor / 2 here.
		for (final int factor : new int[] { 2, 3, 4 }) {
			final int w = 12 * factor, h = 10 * factor;
			final float[] truth = sample((x, y) -> 0.005 * x + 0.003 * y + 0.1, w, h);
			final float[] up = Upsample.bicubic(bin(truth, w, h, factor), w / factor, h /
				factor, factor);
			final int margin = 2 * factor;
			for (int y = margin; y < h - margin; y++)
				for (int x = margin; x < w - margin; x++)
					assertEquals(truth[y * w + x], up[y * w + x], 1e-5, "factor " + factor + " at " + x +
						", " + y);
		}
	}

	@Test
	void binningTheUpsampledImageReturnsTheLowResolutionInput() {
		final int w = 24, h = 20, factor = 4;
		final float[] lo = sample((x, y) -> 0.5 + 0.3 * Math.sin(0.3 * x) * Math.cos(0.25 * y), w, h);
		final float[] copy = lo.clone();
		final float[] rebinned = bin(Upsample.bicubic(lo, w, h, factor), w * factor, h *
			factor, factor);
		for (int y = 1; y < h - 1; y++)
			for (int x = 1; x < w - 1; x++)
				assertEquals(lo[y * w + x], rebinned[y * w + x], 0.01, "at " + x + ", " + y);
		assertArrayEquals(copy, lo);
	}

	@Test
	void upsamplingByOneIsACopy() {
		final float[] lo = texture(5, 4, 21);
		final float[] up = Upsample.bicubic(lo, 5, 4, 1);
		assertNotSame(lo, up);
		assertArrayEquals(lo, up);
	}

	// --- Oracles ----------------------------------------------------------------------------------

	@Test
	void bestDenoisePicksTheBestCandidateAndReportsItsPsnr() {
		final int w = 48, h = 48;
		final float[] truth = shapes(w, h);
		final float[] noisy = addNoise(truth, 0.1, 22);
		final float[] copy = noisy.clone();
		final Classical.Best best = Classical.bestDenoise(noisy, truth, w, h, 0.1);
		assertEquals(Metrics.psnr(best.image(), truth, 1), best.psnr(), 1e-12);
		assertEquals("nl-means", best.method(), best.parameters());
		assertTrue(best.parameters().contains("hFactor="), best.parameters());
		// No grid member may beat the winner.
		assertTrue(best.psnr() >= Metrics.psnr(Classical.gaussian(noisy, w, h, 1), truth, 1));
		assertTrue(best.psnr() >= Metrics.psnr(Classical.median(noisy, w, h, 1), truth, 1));
		assertTrue(best.psnr() >= Metrics.psnr(Classical.nonLocalMeans(noisy, w, h, 0.1, 1, 2, 7),
			truth, 1) - 1e-9);
		assertTrue(best.psnr() > Metrics.psnr(noisy, truth, 1) + 5);
		assertArrayEquals(copy, noisy);

		// Without a noise level there is no NL-means, but still a winner.
		final Classical.Best blind = Classical.bestDenoise(noisy, truth, w, h, 0);
		assertTrue(Set.of("gaussian", "median").contains(blind.method()), blind.method());
	}

	@Test
	void bestUpsampleReportsBicubicAndItsPsnr() {
		final int w = 16, h = 12, factor = 2;
		final float[] truth = texture(w * factor, h * factor, 23);
		final float[] lo = bin(truth, w * factor, h * factor, factor);
		final Classical.Best best = Classical.bestUpsample(lo, truth, w, h, factor);
		assertEquals("bicubic", best.method());
		assertArrayEquals(Upsample.bicubic(lo, w, h, factor), best.image());
		assertEquals(Metrics.psnr(best.image(), truth, 1), best.psnr(), 1e-12);
	}

	// --- Helpers ----------------------------------------------------------------------------------

	@FunctionalInterface
	private interface Field {

		double at(int x, int y);
	}

	private static float[] sample(final Field f, final int w, final int h) {
		final float[] img = new float[w * h];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) img[y * w + x] = (float) f.at(x, y);
		return img;
	}

	/** Rectangles and a disc on a background: flat regions with sharp edges. */
	private static float[] shapes(final int w, final int h) {
		final float[] img = new float[w * h];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				float v = 0.2f;
				if (x > w / 8 && x < w / 2 && y > h / 6 && y < h / 2) v = 0.7f;
				if (x > w / 2 && y > h / 3 && y < 3 * h / 4) v = 0.45f;
				final double dx = x - w / 3.0, dy = y - 3 * h / 4.0;
				if (dx * dx + dy * dy < w * w / 64.0) v = 0.9f;
				img[y * w + x] = v;
			}
		return img;
	}

	private static boolean[] rectangle(final int w, final int h, final int x0, final int y0,
		final int x1, final int y1)
	{
		final boolean[] mask = new boolean[w * h];
		for (int y = y0; y < y1; y++)
			for (int x = x0; x < x1; x++) mask[y * w + x] = true;
		return mask;
	}

	/** The image with NaN in the holes, so that a fill reading them would show. */
	private static float[] punch(final float[] img, final boolean[] hole) {
		final float[] out = img.clone();
		for (int i = 0; i < out.length; i++) if (hole[i]) out[i] = Float.NaN;
		return out;
	}

	/** Block means of a w x h image (Upsample.bin's hand-checked values are in UpsampleTest). */
	private static float[] bin(final float[] img, final int w, final int h, final int f) {
		return Upsample.bin(img, w / f, h / f, f);
	}

	private static double[] toDouble(final float[] img) {
		final double[] out = new double[img.length];
		for (int i = 0; i < img.length; i++) out[i] = img[i];
		return out;
	}

	/** Graph Laplacian with a reflecting border, the operator the fills solve with. */
	private static double[] laplacian(final double[] u, final int w, final int h) {
		final double[] out = new double[w * h];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				final int i = y * w + x;
				double s = 0;
				if (x > 0) s += u[i - 1] - u[i];
				if (x < w - 1) s += u[i + 1] - u[i];
				if (y > 0) s += u[i - w] - u[i];
				if (y < h - 1) s += u[i + w] - u[i];
				out[i] = s;
			}
		return out;
	}

	private static double interiorVariance(final float[] img, final int w, final int h,
		final int margin)
	{
		double sum = 0, sum2 = 0;
		int n = 0;
		for (int y = margin; y < h - margin; y++)
			for (int x = margin; x < w - margin; x++) {
				sum += img[y * w + x];
				sum2 += (double) img[y * w + x] * img[y * w + x];
				n++;
			}
		final double mean = sum / n;
		return sum2 / n - mean * mean;
	}

	/** Reflection with the edge repeated, the border rule of the filters under test. */
	private static int mirror(final int i, final int n) {
		if (i < 0) return mirror(-1 - i, n);
		if (i >= n) return mirror(2 * n - 1 - i, n);
		return i;
	}

	/** NL-means straight from its definition, pixel by pixel and offset by offset. */
	private static float[] directNonLocalMeans(final float[] img, final int w, final int h,
		final double sigma, final double hFactor, final int patch, final int search)
	{
		final double hh = hFactor * sigma * hFactor * sigma;
		final float[] out = new float[w * h];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				double weights = 0, values = 0;
				for (int oy = -search; oy <= search; oy++)
					for (int ox = -search; ox <= search; ox++) {
						double d2 = 0;
						for (int j = -patch; j <= patch; j++)
							for (int i = -patch; i <= patch; i++) {
								final double d = img[mirror(y + j, h) * w + mirror(x + i, w)] - img[mirror(y +
									oy + j, h) * w + mirror(x + ox + i, w)];
								d2 += d * d;
							}
						d2 /= (2 * patch + 1) * (2 * patch + 1);
						final double weight = Math.exp(-Math.max(d2 - 2 * sigma * sigma, 0) / hh);
						weights += weight;
						values += weight * img[mirror(y + oy, h) * w + mirror(x + ox, w)];
					}
				out[y * w + x] = (float) (values / weights);
			}
		return out;
	}
}
