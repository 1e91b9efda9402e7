package sc.fiji.diffusion.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class GroupNormTest {

	@Test
	void matchesTheTextbookFormulaPerSampleAndGroup() {
		final int c = 6, g = 3, h = 5, w = 4;
		try (NDManager m = NDManager.newBaseManager()) {
			final GroupNorm norm = new GroupNorm(g, c);
			norm.initialize(m, DataType.FLOAT32, new Shape(2, c, h, w));
			// Non-trivial affine parameters.
			final float[] gamma = { 1, 2, 3, 4, 5, 6 }, beta = { -1, 0, 1, 2, 3, 4 };
			norm.getParameters().get("gamma").getArray().set(gamma);
			norm.getParameters().get("beta").getArray().set(beta);
			// Calls again and at another batch size: the kernel's arrays kept between calls must not
			// carry anything from one call to the next.
			for (final int[] call : new int[][] { { 2, 1 }, { 2, 2 }, { 1, 3 }, { 2, 4 } }) {
				check(m, norm, call[0], c, g, h, w, gamma, beta, call[1]);
			}
		}
	}

	private static void check(final NDManager m, final GroupNorm norm, final int n, final int c,
		final int g, final int h, final int w, final float[] gamma, final float[] beta, final long seed)
	{
		final float[] data = new float[n * c * h * w];
		final SplittableRandom r = new SplittableRandom(seed);
		// Channels with different offsets and scales, so a wrong grouping shows up.
		for (int i = 0; i < data.length; i++) {
			final int ch = (i / (h * w)) % c;
			data[i] = (float) (ch * 3 + (1 + ch) * r.nextGaussian());
		}
		{
			final NDArray x = m.create(data, new Shape(n, c, h, w));
			final float[] y = HostReads.floats(norm.forward(new ParameterStore(m, false), new NDList(x),
				false).singletonOrThrow());
			final int per = (c / g) * h * w;
			for (int s = 0; s < n; s++) {
				for (int grp = 0; grp < g; grp++) {
					final int start = (s * c + grp * (c / g)) * h * w;
					double mean = 0, var = 0;
					for (int i = 0; i < per; i++) mean += data[start + i];
					mean /= per;
					for (int i = 0; i < per; i++) var += Math.pow(data[start + i] - mean, 2);
					var /= per;
					for (int i = 0; i < per; i++) {
						final int ch = (start + i) / (h * w) % c;
						final double expected = (data[start + i] - mean) / Math.sqrt(var + 1e-5) * gamma[ch] +
							beta[ch];
						assertEquals(expected, y[start + i], 1e-4, "sample " + s + " group " + grp);
					}
				}
			}
		}
	}
}
