package sc.fiji.diffusion.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;

class ScheduleTest {

	@Test
	void linearBetasGiveTheDdpmAlphaBar() {
		final VpSchedule s = VpSchedule.linear(1000, 1e-4, 0.02);
		double prod = 1;
		for (int t = 0; t < 1000; t++) {
			prod *= 1 - (1e-4 + (0.02 - 1e-4) * t / 999.0);
			assertEquals(prod, s.alphaBar(t), 1e-12);
		}
		// Known value of the DDPM schedule: abar at the last step is about 4.0e-5.
		assertEquals(4.04e-5, s.alphaBar(999), 0.05e-5);
	}

	@Test
	void cosineScheduleFollowsItsClosedForm() {
		final VpSchedule s = VpSchedule.cosine(1000);
		final double f0 = Math.pow(Math.cos(0.008 / 1.008 * Math.PI / 2), 2);
		for (final int t : new int[] { 0, 100, 500, 900 }) {
			final double f = Math.pow(Math.cos(((t + 1) / 1000.0 + 0.008) / 1.008 * Math.PI / 2), 2);
			assertEquals(f / f0, s.alphaBar(t), 1e-9, "t = " + t);
		}
	}

	@Test
	void sigmaOfAnIntegerTimestepIsTheSigmaViewOfItsAlphaBar() {
		final VpSchedule s = VpSchedule.linear(1000, 1e-4, 0.02);
		for (final int t : new int[] { 0, 1, 10, 500, 999 }) {
			final double abar = s.alphaBar(t);
			assertEquals(Math.sqrt((1 - abar) / abar), s.sigma(t), 1e-9 * s.sigma(t));
			// and back: abar(sigma) = 1 / (1 + sigma^2)
			assertEquals(abar, VpSchedule.alphaBarOfSigma(s.sigma(t)), 1e-12);
		}
	}

	@Test
	void timestepAndSigmaAreInverseMapsIncludingFractionalSteps() {
		final VpSchedule s = VpSchedule.cosine(1000);
		for (double t = 0; t <= 999; t += 7.37) {
			assertEquals(t, s.timestep(s.sigma(t)), 1e-6, "t = " + t);
		}
		// A fractional timestep lies between its neighbours, interpolated in log-SNR.
		final double mid = s.sigma(10.5);
		assertEquals(Math.sqrt(s.sigma(10) * s.sigma(11)), mid, 1e-12);
	}

	@Test
	void sigmasBeyondTheScheduleClampToItsEnds() {
		final VpSchedule s = VpSchedule.linear(1000, 1e-4, 0.02);
		assertEquals(0, s.timestep(1e-6));
		assertEquals(999, s.timestep(1e6));
	}

	@Test
	void deviceTimestepMatchesTheHostMap() {
		final VpSchedule s = VpSchedule.linear(1000, 1e-4, 0.02);
		final double[] sigmas = { 0.005, 0.01, 0.0137, 0.5, 1, 3.3, 80, 156, 1000 };
		try (NDManager m = NDManager.newBaseManager()) {
			final UNet net = new UNet(new UNetConfig(new int[] { 4 }, 1, 2, 4), 1);
			net.initialize(m, DataType.FLOAT32, new Shape(1, 1, 4, 4), new Shape(1));
			final NetworkDenoiser d = new NetworkDenoiser(Family.DDPM, s, net, m);
			final float[] f = new float[sigmas.length];
			for (int i = 0; i < f.length; i++) f[i] = (float) sigmas[i];
			final float[] t = HostReads.floats(d.timestep(m.create(f)));
			for (int i = 0; i < f.length; i++) {
				assertEquals(s.timestep(f[i]), t[i], 2e-3, "sigma " + sigmas[i]);
			}
		}
	}

	@Test
	void ncsnLevelsAreGeometric() {
		final VeSchedule s = new VeSchedule(0.01, 50);
		final double[] l = s.sigmas(10);
		assertEquals(50, l[0], 1e-12);
		assertEquals(0.01, l[9], 1e-12);
		for (int i = 1; i < 9; i++) assertEquals(l[i] * l[i], l[i - 1] * l[i + 1], 1e-9 * l[i] * l[i]);
	}

	@Test
	void ddpmGridStartsAtTheLastTimestepAndEndsAtTheFirst() {
		final VpSchedule s = VpSchedule.linear(1000, 1e-4, 0.02);
		final double[] g = s.sigmas(50);
		assertEquals(s.sigma(999), g[0], 1e-9);
		assertEquals(s.sigma(0), g[49], 1e-12);
		for (int i = 1; i < g.length; i++) assertTrue(g[i] < g[i - 1]);
	}

	@Test
	void cardRoundTripGivesTheSameSchedule() {
		final VpSchedule a = VpSchedule.linear(500, 2e-4, 0.03);
		final NoiseSchedule b = NoiseSchedule.fromCard(a.describe());
		assertEquals(a.sigma(123.4), ((VpSchedule) b).sigma(123.4), 0);
		final NoiseSchedule c = NoiseSchedule.fromCard(new VeSchedule(0.02, 30).describe());
		assertEquals(30, c.sigmaMax());
	}

	@Test
	void badSchedulesAndStepsAreRefusedWithAMessage() {
		assertTrue(assertThrows(IllegalArgumentException.class, () -> new VeSchedule(1, 0.5))
			.getMessage().contains("sigma_min < sigma_max"));
		assertTrue(assertThrows(IllegalArgumentException.class, () -> new VeSchedule(0.01, 50).sigmas(0))
			.getMessage().contains("at least 1"));
		assertTrue(assertThrows(IllegalArgumentException.class, () -> VpSchedule.linear(1000, 0.02,
			1e-4)).getMessage().contains("beta"));
		assertTrue(assertThrows(IllegalArgumentException.class, () -> Sampler.byName("euler"))
			.getMessage().contains("ddpm"));
		assertTrue(assertThrows(IllegalArgumentException.class, () -> Family.parse("gan"))
			.getMessage().contains("ddpm or ncsn"));
	}
}
