package sc.fiji.diffusion.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

class MetricsTest {

	@Test
	void psnrOfIdenticalImagesIsInfinite() {
		final float[] a = texture(32, 32, 1);
		assertEquals(Double.POSITIVE_INFINITY, Metrics.psnr(a, a.clone(), 1));
	}

	@Test
	void psnrOfAKnownErrorIsExact() {
		// Errors of +-0.25 (exact in float) on every pixel: MSE = 1/16, PSNR = 10 log10(16).
		final float[] truth = texture(16, 16, 2);
		final float[] estimate = truth.clone();
		for (int i = 0; i < estimate.length; i++) estimate[i] += i % 2 == 0 ? 0.25f : -0.25f;
		final float[] exactTruth = new float[truth.length];
		final float[] exactEstimate = new float[truth.length];
		for (int i = 0; i < truth.length; i++) exactEstimate[i] = i % 2 == 0 ? 0.25f : -0.25f;
		assertEquals(10 * Math.log10(16), Metrics.psnr(exactEstimate, exactTruth, 1), 1e-12);
		// The range enters squared: doubling it adds 20 log10(2) dB.
		assertEquals(10 * Math.log10(64), Metrics.psnr(exactEstimate, exactTruth, 2), 1e-12);
		assertEquals(10 * Math.log10(16), Metrics.psnr(estimate, truth, 1), 1e-5);
	}

	@Test
	void maskedPsnrCountsOnlySelectedPixels() {
		final int n = 100;
		final float[] truth = new float[n];
		final float[] estimate = new float[n];
		final boolean[] where = new boolean[n];
		for (int i = 0; i < n; i += 25) where[i] = true; // 4 selected pixels
		// A large error outside the mask must not count.
		estimate[1] = 5;
		assertEquals(Double.POSITIVE_INFINITY, Metrics.psnr(estimate, truth, 1, where));
		// An error of 0.5 on 2 of the 4 selected pixels: MSE = 0.5 / 4, not 0.5 / 100.
		estimate[0] = 0.5f;
		estimate[50] = -0.5f;
		assertEquals(10 * Math.log10(8), Metrics.psnr(estimate, truth, 1, where), 1e-12);
	}

	@Test
	void maskedPsnrRefusesAnEmptyMaskAndMismatchedSizes() {
		final float[] a = new float[10];
		assertThrows(IllegalArgumentException.class, () -> Metrics.psnr(a, a, 1, new boolean[10]));
		assertThrows(IllegalArgumentException.class, () -> Metrics.psnr(a, a, 1, new boolean[9]));
		assertThrows(IllegalArgumentException.class, () -> Metrics.psnr(a, new float[11], 1));
	}

	@Test
	void ssimOfAnImageWithItselfIsOne() {
		final float[] a = texture(40, 30, 3);
		assertEquals(1, Metrics.ssim(a, a.clone(), 40, 30, 1), 1e-12);
	}

	@Test
	void ssimDecreasesAsNoiseGrows() {
		final int w = 64, h = 48;
		final float[] truth = texture(w, h, 4);
		double previous = 1;
		for (final double sigma : new double[] { 0.01, 0.03, 0.1, 0.3 }) {
			final double s = Metrics.ssim(addNoise(truth, sigma, 5), truth, w, h, 1);
			assertTrue(s < previous, "sigma " + sigma + ": " + s + " >= " + previous);
			previous = s;
		}
		assertTrue(previous < 0.5, "heavy noise still scores " + previous);
	}

	@Test
	void ssimIsSymmetric() {
		final int w = 50, h = 37;
		final float[] a = texture(w, h, 6);
		final float[] b = addNoise(a, 0.1, 7);
		assertEquals(Metrics.ssim(a, b, w, h, 1), Metrics.ssim(b, a, w, h, 1), 1e-12);
	}

	@Test
	void aConstantShiftCostsLessSsimThanNoiseOfTheSameMse() {
		final int w = 64, h = 64;
		final float[] truth = texture(w, h, 8);
		final float[] shifted = truth.clone();
		for (int i = 0; i < shifted.length; i++) shifted[i] += 0.05f;
		final float[] noisy = addNoise(truth, 0.05, 9);
		// Same error energy (up to the noise's sampling), very different structure.
		assertEquals(Metrics.psnr(shifted, truth, 1), Metrics.psnr(noisy, truth, 1), 0.2);
		final double shift = Metrics.ssim(shifted, truth, w, h, 1);
		final double noise = Metrics.ssim(noisy, truth, w, h, 1);
		assertTrue(shift > 0.95, "shift: " + shift);
		assertTrue(shift > noise + 0.1, "shift " + shift + " vs noise " + noise);
	}

	@Test
	void ssimMatchesADirectComputationOverTheValidWindows() {
		final int w = 17, h = 14;
		final float[] a = texture(w, h, 10);
		final float[] b = addNoise(a, 0.2, 11);
		assertEquals(directSsim(a, b, w, h, 1), Metrics.ssim(a, b, w, h, 1), 1e-10);
		assertEquals(directSsim(a, b, w, h, 255), Metrics.ssim(a, b, w, h, 255), 1e-10);
	}

	@Test
	void ssimRefusesImagesSmallerThanItsWindow() {
		final float[] a = new float[10 * 20];
		assertThrows(IllegalArgumentException.class, () -> Metrics.ssim(a, a, 10, 20, 1));
		assertThrows(IllegalArgumentException.class, () -> Metrics.ssim(a, a, 20, 11, 1));
	}

	/** SSIM straight from the paper's definition: full 2D window at every valid position. */
	private static double directSsim(final float[] a, final float[] b, final int w, final int h,
		final double range)
	{
		final double[][] g = new double[11][11];
		double total = 0;
		for (int j = 0; j < 11; j++)
			for (int i = 0; i < 11; i++) {
				g[j][i] = Math.exp(-((i - 5) * (i - 5) + (j - 5) * (j - 5)) / (2 * 1.5 * 1.5));
				total += g[j][i];
			}
		final double c1 = Math.pow(0.01 * range, 2), c2 = Math.pow(0.03 * range, 2);
		double sum = 0;
		int count = 0;
		for (int y = 5; y < h - 5; y++)
			for (int x = 5; x < w - 5; x++) {
				double ma = 0, mb = 0;
				for (int j = 0; j < 11; j++)
					for (int i = 0; i < 11; i++) {
						final int p = (y + j - 5) * w + x + i - 5;
						ma += g[j][i] / total * a[p];
						mb += g[j][i] / total * b[p];
					}
				double va = 0, vb = 0, cov = 0;
				for (int j = 0; j < 11; j++)
					for (int i = 0; i < 11; i++) {
						final int p = (y + j - 5) * w + x + i - 5;
						va += g[j][i] / total * (a[p] - ma) * (a[p] - ma);
						vb += g[j][i] / total * (b[p] - mb) * (b[p] - mb);
						cov += g[j][i] / total * (a[p] - ma) * (b[p] - mb);
					}
				sum += (2 * ma * mb + c1) * (2 * cov + c2) / ((ma * ma + mb * mb + c1) * (va + vb + c2));
				count++;
			}
		return sum / count;
	}

	/** Smooth structure plus fine detail, values in about [0.1, 0.9]. */
	static float[] texture(final int w, final int h, final long seed) {
		final Random random = new Random(seed);
		final double fx = 0.2 + 0.3 * random.nextDouble(), fy = 0.1 + 0.3 * random.nextDouble();
		final float[] img = new float[w * h];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++)
				img[y * w + x] = (float) (0.5 + 0.25 * Math.sin(fx * x) * Math.cos(fy * y) + 0.1 *
					Math.sin(0.05 * (x + 2 * y)) + 0.03 * random.nextGaussian());
		return img;
	}

	static float[] addNoise(final float[] img, final double sigma, final long seed) {
		final Random random = new Random(seed);
		final float[] out = img.clone();
		for (int i = 0; i < out.length; i++) out[i] += (float) (sigma * random.nextGaussian());
		return out;
	}
}
