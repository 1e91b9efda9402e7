package sc.fiji.diffusion.restore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

/** Inpainting's mean shrunk toward the guess hole by hole: noise of the mean goes, agreed structure stays. */
class ShrinkTest {

	private static final int W = 40, H = 30, K = 4;

	/** Two holes: a 10 x 10 block at (5, 5) and a 6 x 6 block at (25, 15); one lone pixel at (35, 2). */
	private static boolean[] holes() {
		final boolean[] hole = new boolean[W * H];
		for (int y = 5; y < 15; y++) for (int x = 5; x < 15; x++) hole[y * W + x] = true;
		for (int y = 15; y < 21; y++) for (int x = 25; x < 31; x++) hole[y * W + x] = true;
		hole[2 * W + 35] = true;
		return hole;
	}

	@Test
	void aMeanThatDepartsOnlyByItsOwnSpreadComesBackNearTheGuessAndStructureStays() {
		final boolean[] hole = holes();
		final Random r = new Random(3);
		final float[] guess = new float[W * H], truth = new float[W * H], mean = new float[W * H], std =
			new float[W * H];
		for (int i = 0; i < W * H; i++) {
			final int x = i % W, y = i / W;
			guess[i] = 0.5f;
			// The first block's truth is the guess (a smooth interior); the second's holds a stripe.
			truth[i] = x >= 25 && x < 28 && y >= 15 && y < 21 ? 0.9f : 0.5f;
			std[i] = x >= 25 ? 0.01f : 0.2f;
			// The mean of K samples misses the truth by its spread over sqrt(K).
			mean[i] = hole[i] ? truth[i] + (float) (r.nextGaussian() * std[i] / Math.sqrt(K)) : truth[i];
		}
		final float[] before = mean.clone(), out = mean.clone();
		Shrink.towardGuess(out, std, guess, 0, hole, W, H, K);
		double errBefore = 0, errAfter = 0, stripeBefore = 0, stripeAfter = 0;
		for (int i = 0; i < W * H; i++) {
			if (!hole[i]) {
				assertEquals(before[i], out[i], "known pixel " + i);
				continue;
			}
			final double a = (before[i] - truth[i]) * (before[i] - truth[i]), b = (out[i] - truth[i]) * (out[i] - truth[i]);
			if (i % W < 20) { errBefore += a; errAfter += b; } else if (i % W < 32) { stripeBefore += a; stripeAfter += b; }
		}
		assertTrue(errAfter < 0.25 * errBefore, "smooth block: error " + errAfter + " against " + errBefore);
		// The stripe is far beyond the samples' spread: the mean is kept to within a few percent.
		assertTrue(stripeAfter < 1.05 * stripeBefore + 1e-6, "stripe: error " + stripeAfter + " against " + stripeBefore);
		assertEquals(before[2 * W + 35], out[2 * W + 35], "a lone pixel keeps the mean");
	}

	@Test
	void anOffsetPlaneIsShrunkAloneAndAMeanOnTheGuessStays() {
		final boolean[] hole = holes();
		final float[] guess = new float[2 * W * H], std = new float[2 * W * H], mean = new float[2 * W * H];
		java.util.Arrays.fill(std, 0.1f);
		for (int i = 0; i < 2 * W * H; i++) mean[i] = i < W * H ? 0.3f : 0f;
		// Plane 1 (from offset W * H) equals its guess: nothing to shrink; plane 0 is left as it is.
		final float[] out = mean.clone();
		Shrink.towardGuess(out, std, guess, W * H, hole, W, H, K);
		assertArrayEquals(mean, out);
	}
	/** Through inpainting (-Ddiffusion.shrink=true): each hole moves toward the first guess, known pixels stay. */
	@Test
	void inpaintingWithTheSwitchShrinksTowardTheFirstGuess() {
		final int n = 64;
		final float[] img = InverseProblemTest.scene(n);
		for (int y = 20; y < 36; y++) for (int x = 24; x < 40; x++) img[y * n + x] = Float.NaN;
		final float[] guess = Fill.firstGuess(img, n, n);
		final float[][] out = new float[2][];
		final sc.fiji.diffusion.engine.NetworkDenoiser model = ShippedModel.ddpm();
		for (int run = 0; run < 2; run++) {
			if (run == 1) System.setProperty("diffusion.shrink", "true");
			try {
				out[run] = Planes.of(Inpaint.run(net.imglib2.img.array.ArrayImgs.floats(img.clone(), n, n), null, -1,
					new NoiseModel.Gaussian(0), RestoreOptions.defaults(model, "ddpm", 4).withSamples(3, false).withSeed(5))
					.image()).plane(0);
			}
			finally {
				System.clearProperty("diffusion.shrink");
			}
		}
		double plain = 0, shrunk = 0;
		for (int i = 0; i < n * n; i++) {
			if (Float.isFinite(img[i])) {
				assertEquals(img[i], out[1][i], "known pixel " + i);
				continue;
			}
			plain += (out[0][i] - guess[i]) * (out[0][i] - guess[i]);
			shrunk += (out[1][i] - guess[i]) * (out[1][i] - guess[i]);
		}
		assertTrue(plain > 0 && shrunk < plain, "distance from the guess " + shrunk + " against " + plain);
	}
}
