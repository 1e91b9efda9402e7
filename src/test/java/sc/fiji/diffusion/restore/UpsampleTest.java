package sc.fiji.diffusion.restore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Super-resolution's first guess: consistent with the measurement, and smoother than the blocks. */
class UpsampleTest {

	/** A smooth scene of blobs and a ridge, range about 0..1. */
	private static float[] scene(final int w, final int h) {
		final float[] img = new float[w * h];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				final double a = Math.exp(-((x - 20.0) * (x - 20) + (y - 18.0) * (y - 18)) / 60);
				final double b = 0.6 * Math.exp(-((x - 44.0) * (x - 44) + (y - 40.0) * (y - 40)) / 25);
				final double ridge = 0.4 * Math.exp(-Math.pow(x - 0.6 * y - 10, 2) / 6);
				img[y * w + x] = (float) (0.1 + a + b + ridge);
			}
		return img;
	}

	private static double mse(final float[] a, final float[] b) {
		double s = 0;
		for (int i = 0; i < a.length; i++) s += (a[i] - b[i]) * (double) (a[i] - b[i]);
		return s / a.length;
	}

	@Test
	void binningTheGuessGivesBackTheMeasurement() {
		for (final int f : new int[] { 2, 4 }) {
			final int w = 64 / f, h = 56 / f;
			final float[] lo = Upsample.bin(scene(64, 56), w, h, f);
			final float[] copy = lo.clone();
			final float[] guess = Upsample.firstGuess(lo, w, h, f);
			assertEquals(64 * 56, guess.length);
			assertArrayEquals(lo, Upsample.bin(guess, w, h, f), 1e-6f, "factor " + f);
			assertArrayEquals(copy, lo);
		}
	}

	@Test
	void theGuessIsCloserToASmoothTruthThanTheBlocksAndTheBicubicImage() {
		final float[] truth = scene(64, 56);
		for (final int f : new int[] { 2, 4 }) {
			final int w = 64 / f, h = 56 / f;
			final float[] lo = Upsample.bin(truth, w, h, f);
			final float[] blocks = new float[truth.length];
			for (int i = 0; i < blocks.length; i++) blocks[i] = lo[(i / 64 / f) * w + (i % 64) / f];
			final double guess = mse(Upsample.firstGuess(lo, w, h, f), truth);
			final double bicubic = mse(Upsample.bicubic(lo, w, h, f), truth);
			// The blocks are several times further off; bicubic alone does not reproduce the block means.
			assertTrue(guess < mse(blocks, truth) / 4, f + ": " + guess + " against " + mse(blocks, truth));
			assertTrue(guess < bicubic, f + ": " + guess + " against bicubic " + bicubic);
		}
	}

	@Test
	void binIsTheBlockMean() {
		final float[] img = { 1, 2, 3, 4, 5, 6, 7, 8 };
		// 4 x 2 image, blocks of 2 x 2: (1 + 2 + 5 + 6) / 4 and (3 + 4 + 7 + 8) / 4.
		assertArrayEquals(new float[] { 3.5f, 5.5f }, Upsample.bin(img, 2, 1, 2), 1e-7f);
	}
}
