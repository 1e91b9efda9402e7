package sc.fiji.diffusion.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import sc.fiji.diffusion.engine.data.SyntheticScenes;

class SceneStatisticsTest {

	@Test
	void aSinusoidPutsItsPowerAtItsFrequency() {
		final int n = 32;
		final float[] im = new float[n * n];
		for (int y = 0; y < n; y++) for (int x = 0; x < n; x++) im[y * n + x] = (float) Math.cos(2 * Math.PI * 5 * x / n);
		final double[] s = SceneStatistics.radialPowerSpectrum(im, n);
		int peak = 0;
		for (int i = 1; i < s.length; i++) if (s[i] > s[peak]) peak = i;
		assertEquals(5, peak + 1);
		for (int i = 0; i < s.length; i++) {
			if (i != 4) assertTrue(s[i] < 1e-6 * s[4], "power leaks to radius " + (i + 1));
		}
	}

	@Test
	void independentSceneSetsAreCloserThanScenesAndWhiteNoise() {
		final int n = 32, count = 64;
		final float[][] a = scenes(n, count, 1), b = scenes(n, count, 1000);
		final float[][] noise = new float[count][n * n];
		final SplittableRandom r = new SplittableRandom(3);
		for (final float[] im : noise) for (int i = 0; i < im.length; i++) im[i] = (float) r.nextDouble();
		assertEquals(0, SceneStatistics.spectrumDistance(a, a, n), 0);
		assertEquals(0, SceneStatistics.histogramDistance(a, a), 0);
		assertTrue(SceneStatistics.spectrumDistance(a, b, n) < 0.5 * SceneStatistics.spectrumDistance(a,
			noise, n));
		final double hist = SceneStatistics.histogramDistance(a, b);
		final double histNoise = SceneStatistics.histogramDistance(a, noise);
		assertTrue(hist < 0.6 * histNoise, hist + " vs " + histNoise);
	}

	static float[][] scenes(final int n, final int count, final long seed) {
		final SyntheticScenes s = new SyntheticScenes(seed);
		final float[][] out = new float[count][];
		for (int i = 0; i < count; i++) out[i] = s.next(n, n);
		return out;
	}
}
