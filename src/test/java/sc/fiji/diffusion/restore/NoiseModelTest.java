package sc.fiji.diffusion.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class NoiseModelTest {

	@Test
	void specsParseAndBadOnesSayWhatToWrite() {
		assertInstanceOf(NoiseModel.Auto.class, NoiseModel.parse("auto"));
		assertEquals(12.5, ((NoiseModel.Gaussian) NoiseModel.parse("gaussian:12.5")).sigma());
		final NoiseModel.PoissonGaussian pg = (NoiseModel.PoissonGaussian) NoiseModel.parse(
			"poisson-gaussian:2,100,3");
		assertEquals(2, pg.gain());
		assertTrue(assertThrows(IllegalArgumentException.class, () -> NoiseModel.parse("gaussian:-1"))
			.getMessage().contains("zero or positive"));
		assertTrue(assertThrows(IllegalArgumentException.class, () -> NoiseModel.parse(
			"poisson-gaussian:0,100,3")).getMessage().contains("gain must be positive"));
		assertTrue(assertThrows(IllegalArgumentException.class, () -> NoiseModel.parse(
			"poisson-gaussian:2,100")).getMessage().contains("GAIN,OFFSET,READ"));
		assertTrue(assertThrows(IllegalArgumentException.class, () -> NoiseModel.parse("salt"))
			.getMessage().contains("gaussian:SIGMA"));
	}

	/** Poisson-Gaussian camera data at a given mean photon count. */
	static double[] camera(final NoiseModel.PoissonGaussian pg, final double electrons, final int n,
		final long seed)
	{
		final SplittableRandom r = new SplittableRandom(seed);
		final double[] x = new double[n];
		for (int i = 0; i < n; i++) {
			// Poisson by inversion (small means)
			int k = 0;
			double p = Math.exp(-electrons), s = p;
			final double u = r.nextDouble();
			while (u > s && k < 1000) {
				k++;
				p *= electrons / k;
				s += p;
			}
			x[i] = pg.gain() * k + pg.offset() + pg.read() * r.nextGaussian();
		}
		return x;
	}

	@Test
	void anscombeMakesTheNoiseUnitVarianceAtModerateCounts() {
		final NoiseModel.PoissonGaussian pg = new NoiseModel.PoissonGaussian(2, 100, 3);
		for (final double lambda : new double[] { 10, 50 }) {
			final double[] x = camera(pg, lambda, 40000, 1);
			double m = 0, v = 0;
			for (final double xi : x) m += pg.forward(xi);
			m /= x.length;
			for (final double xi : x) v += Math.pow(pg.forward(xi) - m, 2);
			v /= x.length - 1;
			assertEquals(1, v, 0.06, "variance at " + lambda + " electrons");
		}
	}

	@Test
	void theInverseOfTheMeanIsUnbiasedEvenAtLowCounts() {
		final NoiseModel.PoissonGaussian pg = new NoiseModel.PoissonGaussian(2, 100, 3);
		for (final double lambda : new double[] { 2, 5, 20 }) {
			final double[] x = camera(pg, lambda, 200000, 2);
			double m = 0;
			for (final double xi : x) m += pg.forward(xi);
			m /= x.length;
			final double expected = pg.gain() * lambda + pg.offset();
			// The algebraic inverse (z/2)^2 - 3/8 would be biased by about a quarter of an electron.
			assertEquals(expected, pg.inverse(m), 0.15 * pg.gain(), "mean at " + lambda + " electrons");
		}
	}

	/**
	 * Only b = read^2 - gain * offset is identifiable from an image; two cameras of equal gain and b
	 * transform alike, and the transform and both inverses are increasing everywhere, far below the
	 * offset too (no clamp: no two inputs share an output).
	 */
	@Test
	void theTransformDependsOnlyOnGainAndBAndNeverClamps() {
		final NoiseModel.PoissonGaussian a = new NoiseModel.PoissonGaussian(2, 100, 3), b =
			new NoiseModel.PoissonGaussian(2, 95.5, 0);
		assertEquals(a.b(), b.b(), 1e-9);
		double lastZ = Double.NEGATIVE_INFINITY, lastMean = lastZ, lastDraw = lastZ;
		for (double adu = -2000; adu <= 5000; adu += 0.5) {
			final double z = a.forward(adu);
			assertEquals(z, b.forward(adu), 1e-9, "at " + adu);
			assertTrue(z > lastZ, "forward increasing at " + adu);
			assertEquals(adu, a.algebraicInverse(z), 1e-6 * Math.max(1, Math.abs(adu)), "algebraic inverse");
			final double mean = a.inverse(z), draw = a.algebraicInverse(z);
			assertEquals(mean, b.inverse(z), 1e-9);
			assertTrue(mean > lastMean && draw > lastDraw, "inverses increasing at " + adu);
			lastZ = z;
			lastMean = mean;
			lastDraw = draw;
		}
	}
}
