package sc.fiji.diffusion.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;

import net.imglib2.img.array.ArrayImgs;

import org.junit.jupiter.api.Test;

import sc.fiji.diffusion.engine.data.SyntheticScenes;

/** The auto noise model: camera noise is recognized as such, additive noise as additive. */
class NoiseEstimateTest {

	static final int N = 256;

	static int poisson(final double lambda, final SplittableRandom r) {
		final double limit = Math.exp(-lambda);
		double p = 1;
		int k = -1;
		do {
			k++;
			p *= r.nextDouble();
		}
		while (p > limit);
		return k;
	}

	/** A scene of 2..80 photons seen by a camera: gain 2 ADU per electron, offset 100, read noise 3. */
	static float[][] camera(final long seed) {
		final float[] scene = SyntheticScenes.scene(SyntheticScenes.Kind.NUCLEI, N, N, seed);
		final float[] clean = new float[N * N], noisy = new float[N * N];
		final SplittableRandom r = new SplittableRandom(seed);
		for (int i = 0; i < clean.length; i++) {
			final double photons = 2 + 78 * scene[i];
			clean[i] = (float) (2 * photons + 100);
			noisy[i] = (float) (2 * poisson(photons, r) + 100 + 3 * r.nextGaussian());
		}
		return new float[][] { clean, noisy };
	}

	@Test
	void cameraNoiseIsRecognizedWithItsVarianceAtEveryLevel() {
		final NoiseModel m = NoiseEstimate.model(List.of(camera(1)[1]), N, N);
		final NoiseModel.PoissonGaussian pg = assertInstanceOf(NoiseModel.PoissonGaussian.class, m);
		// Variance in ADU^2 at a dark and a bright level: gain * (x - offset) + read^2.
		for (final double adu : new double[] { 110, 200, 260 }) {
			final double truth = 2 * (adu - 100) + 9;
			final double est = pg.gain() * (adu - pg.offset()) + pg.read() * pg.read();
			assertEquals(truth, est, 0.25 * truth, "variance at " + adu + " ADU, model " + pg);
		}
	}

	@Test
	void additiveNoiseStaysGaussianWithItsLevel() {
		final float[] scene = SyntheticScenes.scene(SyntheticScenes.Kind.NUCLEI, N, N, 2);
		final SplittableRandom r = new SplittableRandom(2);
		final float[] noisy = new float[N * N];
		for (int i = 0; i < noisy.length; i++) noisy[i] = (float) (100 + 1000 * scene[i] + 10 * r
			.nextGaussian());
		final NoiseModel.Gaussian g = assertInstanceOf(NoiseModel.Gaussian.class, NoiseEstimate.model(List
			.of(noisy), N, N));
		assertEquals(10, g.sigma(), 1);
	}

	@Test
	void autoDenoisesCameraImagesAboutAsWellAsTheTrueModel() {
		final float[][] c = camera(3);
		final RestoreOptions o = RestoreOptions.defaults(ShippedModel.ddpm(), "ddpm", 50);
		final float[] auto = DenoiseTest.pixels(Denoise.run(ArrayImgs.floats(c[1].clone(), N, N), -1,
			new NoiseModel.Auto(), o).image());
		final float[] known = DenoiseTest.pixels(Denoise.run(ArrayImgs.floats(c[1].clone(), N, N), -1,
			new NoiseModel.PoissonGaussian(2, 100, 3), o).image());
		final double eAuto = DenoiseTest.rms(auto, c[0]), eKnown = DenoiseTest.rms(known, c[0]), eIn =
			DenoiseTest.rms(c[1], c[0]);
		assertTrue(eAuto < 1.15 * eKnown, "auto " + eAuto + " vs true model " + eKnown);
		assertTrue(eAuto < 0.6 * eIn, "auto " + eAuto + " vs input " + eIn);
	}

	/** A scene of 0..scale above offset with Gaussian noise sigma, rounded and clipped to 8 bits. */
	static float[] eightBit(final double offset, final double scale, final double sigma, final long seed) {
		final float[] scene = SyntheticScenes.scene(SyntheticScenes.Kind.NUCLEI, N, N, seed);
		final SplittableRandom r = new SplittableRandom(seed);
		final float[] out = new float[N * N];
		for (int i = 0; i < out.length; i++) {
			out[i] = (float) Math.max(0, Math.min(255, Math.round(offset + scale * scene[i] + sigma * r
				.nextGaussian())));
		}
		return out;
	}

	@Test
	void sparseNoiselessPunctaAreNotTakenForNoise() {
		// Zero background with single bright pixels: the puncta are signal (they read as sigma 126
		// when the zeros were set aside and the rest taken for noise).
		final float[] img = new float[N * N];
		final SplittableRandom r = new SplittableRandom(3);
		for (int k = 0; k < 25; k++) img[r.nextInt(img.length)] = 255;
		assertTrue(NoiseEstimate.gaussianSigma(img, N, N) < 1, "sigma " + NoiseEstimate.gaussianSigma(
			img, N, N));
	}

	@Test
	void aSaturatedImageIsJudgedWhereItIsNotSaturated() {
		// Bright nuclei saturate at 255; the noise of the rest is 20 (the estimate was 1.2).
		final float[] img = eightBit(60, 1500, 20, 4);
		int saturated = 0;
		for (final float v : img) if (v == 255) saturated++;
		assertTrue(saturated > img.length / 5, "test image not saturated enough: " + saturated);
		assertEquals(20, NoiseEstimate.gaussianSigma(img, N, N), 3);
	}

	@Test
	void anEmptyPlaneInAStackDoesNotDecideTheNoise() {
		final float[] nan = new float[N * N], zero = new float[N * N];
		java.util.Arrays.fill(nan, Float.NaN);
		final float[] a = eightBit(30, 200, 10, 5), b = eightBit(30, 200, 10, 6);
		// Empty frames in the majority too (a mostly blank time-lapse).
		for (final List<float[]> stack : List.of(List.of(a, nan, b), List.of(a, zero, b), List.of(a, zero,
			zero), List.of(nan, zero, a, nan)))
		{
			final NoiseModel m = NoiseEstimate.model(stack, N, N);
			final NoiseModel.Gaussian g = assertInstanceOf(NoiseModel.Gaussian.class, m, m.toString());
			assertEquals(10, g.sigma(), 1.5);
		}
	}
}
