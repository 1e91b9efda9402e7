package sc.fiji.diffusion.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;
import sc.fiji.diffusion.engine.NetworkDenoiser;

/** Chains side by side in the batch dimension give what they give one at a time. */
class ChainsTest {

	@Test
	void batchedChainsEqualChainsOneAtATime() {
		final NetworkDenoiser model = ShippedModel.ddpm();
		final int n = 64;
		try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
			final float[] known = new float[2 * n * n], values = new float[2 * n * n];
			for (int i = 0; i < known.length; i++) {
				final int x = i % n, y = (i / n) % n;
				known[i] = x > 20 && x < 40 && y > 20 && y < 40 ? 0 : 1;
				values[i] = (float) Math.sin(x * 0.2 + y * 0.1 + i / (n * n));
			}
			final Shape shape = new Shape(2, 1, n, n);
			final NDArray y = m.create(values, shape).mul(m.create(known, shape));
			final Measurement a = Measurement.Mask.of(m, known, shape);
			final TiledDenoiser tiled = new TiledDenoiser(model, m, 64, 16, 4, 4, 64);
			final NDList one = ConsistentSampling.samples(tiled, a, y, new long[] { 2, 1, n, n }, null, model
				.schedule(), "ddpm", 6, 1, 3, 1, true, Moments.seeded(5), sc.fiji.diffusion.engine.SamplingListener.NONE, null, 0);
			final NDList all = ConsistentSampling.samples(tiled, a, y, new long[] { 2, 1, n, n }, null, model
				.schedule(), "ddpm", 6, 1, 3, 3, true, Moments.seeded(5), sc.fiji.diffusion.engine.SamplingListener.NONE, null, 0);
			for (int k = 0; k < 2; k++) {
				final float[] p = one.get(k).toFloatArray(), q = all.get(k).toFloatArray();
				double max = 0;
				for (int i = 0; i < p.length; i++) max = Math.max(max, Math.abs(p[i] - q[i]));
				assertEquals(0, max, 1e-4, "output " + k);
			}
		}
	}
}
