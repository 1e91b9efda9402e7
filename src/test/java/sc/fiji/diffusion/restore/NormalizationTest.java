package sc.fiji.diffusion.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import sc.fiji.diffusion.engine.ModelRange;

/** The restorations' pixel maps against training's rule: one normalization for both. */
class NormalizationTest {

	@Test
	void mappingAtALevelIsTrainingsRuleAndInvertsItself() {
		final Normalization norm = new Normalization(100, 1100);
		final java.util.SplittableRandom r = new java.util.SplittableRandom(5);
		for (final double sigma : new double[] { 0, 0.02, 0.3 }) {
			final Normalization.Mapping map = norm.at(sigma);
			for (int i = 0; i < 10_000; i++) {
				// Values across and far beyond the range, where the clipping and its excess come in.
				final float v = (float) (100 + r.nextDouble(-3, 4) * 1000);
				final float net = map.toNetwork(v);
				assertEquals(ModelRange.toNetwork(v, 100, 1100, sigma), net, 0f, "value " + v);
				assertEquals(map.toModel(v), net + map.excess(v), 1e-5f * Math.max(1, Math.abs(net)), "value " + v);
				assertEquals(v, map.fromModel(map.toModel(v)), 1e-3f, "value " + v);
			}
		}
		// Beyond the clipping the network sees the bound and the excess keeps the rest.
		assertEquals(ModelRange.CEILING, norm.at(0).toNetwork(1e6f), 1e-6);
		assertEquals(ModelRange.FLOOR - 4 * 0.3, norm.at(0.3).toNetwork(-1e6f), 1e-6);
	}
}
