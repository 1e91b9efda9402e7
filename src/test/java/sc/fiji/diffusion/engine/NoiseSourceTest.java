package sc.fiji.diffusion.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;

/** Noise drawn by position: a part of an image draws what the whole draws there. */
class NoiseSourceTest {

	@Test
	void aPartDrawsTheWholesNoiseAtItsPositionsAndTheNoiseIsUnitNormal() {
		try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
			final long[] planes = { 5, 9 };
			final int H = 40, W = 60;
			final float[] whole = NoiseSource.positional(3, planes, 0, 0).normal(m, new Shape(2, 1, H, W), 7)
				.toFloatArray();
			// Plane 9 alone, rows 11.., columns 23..: the same values.
			final float[] part = NoiseSource.positional(3, new long[] { 9 }, 11, 23).normal(m, new Shape(1, 1,
				10, 12), 7).toFloatArray();
			for (int y = 0; y < 10; y++) for (int x = 0; x < 12; x++) {
				assertEquals(whole[H * W + (11 + y) * W + 23 + x], part[y * 12 + x], 0);
			}
			// Another step, seed or plane: other values.
			final float[] step = NoiseSource.positional(3, planes, 0, 0).normal(m, new Shape(2, 1, H, W), 8)
				.toFloatArray();
			final float[] seed = NoiseSource.positional(4, planes, 0, 0).normal(m, new Shape(2, 1, H, W), 7)
				.toFloatArray();
			int same = 0;
			for (int i = 0; i < whole.length; i++) {
				if (whole[i] == step[i] || whole[i] == seed[i]) same++;
				if (i < H * W && whole[i] == whole[i + H * W]) same++;
			}
			assertEquals(0, same);
			// Unit normal: mean 0, variance 1, and neighbours uncorrelated.
			final float[] big = NoiseSource.positional(1, new long[] { 0 }, 0, 0).normal(m, new Shape(1, 1, 400,
				500), 0).toFloatArray();
			double s = 0, s2 = 0, c = 0, tail = 0;
			for (int i = 0; i < big.length; i++) {
				s += big[i];
				s2 += big[i] * big[i];
				if (i % 500 > 0) c += big[i] * big[i - 1];
				if (Math.abs(big[i]) > 1.96) tail++;
			}
			final int n = big.length;
			assertEquals(0, s / n, 0.01);
			assertEquals(1, s2 / n, 0.01);
			assertEquals(0, c / n, 0.01);
			assertEquals(0.05, tail / n, 0.003);
			assertThrows(IllegalArgumentException.class, () -> NoiseSource.positional(1, planes, 0, 0).normal(m,
				new Shape(3, 1, 4, 4), 0));
		}
	}
}
