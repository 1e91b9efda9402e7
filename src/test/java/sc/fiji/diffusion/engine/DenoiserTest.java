package sc.fiji.diffusion.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;

class DenoiserTest {

	@Test
	void noiseAndScoreFollowFromTheDenoisedEstimate() {
		try (NDManager m = NDManager.newBaseManager()) {
			final NDArray x0 = m.randomNormal(new Shape(2, 1, 4, 4));
			final NDArray n = m.randomNormal(new Shape(2, 1, 4, 4));
			final NDArray sigma = m.create(new float[] { 0.5f, 3f });
			final NDArray x = x0.add(n.mul(Denoiser.perSample(sigma, x0)));
			// A perfect denoiser returns x0: its noise is n and its score -n/sigma.
			assertArrayEquals(HostReads.floats(n), HostReads.floats(Denoiser.noise(x, x0, sigma)), 1e-5f);
			final NDArray expectedScore = n.neg().div(Denoiser.perSample(sigma, x0));
			assertArrayEquals(HostReads.floats(expectedScore), HostReads.floats(Denoiser.score(x, x0,
				sigma)), 1e-5f);
		}
	}

	@Test
	void ddpmDenoiserSubtractsSigmaTimesTheNetworksNoise() {
		try (NDManager m = NDManager.newBaseManager()) {
			final UNet net = new UNet(new UNetConfig(new int[] { 4, 8 }, 1, 2, 8), 1);
			net.initialize(m, DataType.FLOAT32, new Shape(2, 1, 8, 8), new Shape(2));
			// A network that outputs zero (its initial state) predicts no noise: D(x) = x.
			final NetworkDenoiser d = new NetworkDenoiser(Family.DDPM, VpSchedule.linear(1000, 1e-4, 0.02),
				net, m);
			final NDArray x = m.randomNormal(new Shape(2, 1, 8, 8)).mul(2);
			final float[] in = HostReads.floats(x);
			final float[] out = HostReads.floats(d.denoise(x, m.create(new float[] { 0.5f, 2 })));
			for (int i = 0; i < 64; i++) assertEquals(in[i], out[i], 1e-6, "sigma 0.5, pixel " + i);
			// Above sigma 1 the estimate is thresholded to the data range.
			for (int i = 64; i < 128; i++) {
				assertEquals(Math.max(-1, Math.min(1, in[i])), out[i], 1e-6, "sigma 2, pixel " + i);
			}
		}
	}

	@Test
	void wrongShapesAreRefusedWithTheExpectedShape() {
		try (NDManager m = NDManager.newBaseManager()) {
			final UNet net = new UNet(new UNetConfig(new int[] { 4, 8 }, 1, 2, 8), 1);
			net.initialize(m, DataType.FLOAT32, new Shape(1, 1, 8, 8), new Shape(1));
			final NetworkDenoiser d = new NetworkDenoiser(Family.NCSN, new VeSchedule(0.01, 50), net, m);
			IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
				IllegalArgumentException.class, () -> d.denoise(m.zeros(new Shape(1, 2, 8, 8)), m.ones(
					new Shape(1))));
			org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("(N, 1, H, W)"), e
				.getMessage());
			e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> d
				.denoise(m.zeros(new Shape(3, 1, 8, 8)), m.ones(new Shape(2))));
			org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("3 images, 2 levels"), e
				.getMessage());
		}
	}

	@Test
	void ncsnDenoiserWithZeroNetworkIsTheEdmSkipPath() {
		try (NDManager m = NDManager.newBaseManager()) {
			final UNet net = new UNet(new UNetConfig(new int[] { 4, 8 }, 1, 2, 8), 1);
			net.initialize(m, DataType.FLOAT32, new Shape(2, 1, 8, 8), new Shape(2));
			final NetworkDenoiser d = new NetworkDenoiser(Family.NCSN, new VeSchedule(0.01, 50), net, m);
			final NDArray x = m.randomNormal(new Shape(2, 1, 8, 8));
			final float[] sig = { 0.1f, 2f };
			final float[] got = HostReads.floats(d.denoise(x, m.create(sig)));
			final float[] in = HostReads.floats(x);
			final double sd2 = NetworkDenoiser.SIGMA_DATA * NetworkDenoiser.SIGMA_DATA;
			for (int i = 0; i < in.length; i++) {
				final double s = sig[i / 64];
				assertEquals(in[i] * sd2 / (s * s + sd2), got[i], 1e-5);
			}
		}
	}
}
