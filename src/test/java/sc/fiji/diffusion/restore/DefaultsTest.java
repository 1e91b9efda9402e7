package sc.fiji.diffusion.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;

import org.junit.jupiter.api.Test;

/** What samples=0 and steps=0 mean, per task and device. */
class DefaultsTest {

	@Test
	void inpaintingTakesFewerSamplesOnTheCpuAndAnExplicitCountEverywhere() {
		assertEquals(Defaults.INPAINT_SAMPLES, Defaults.samples(Defaults.Task.INPAINT, 0, Device.gpu()));
		assertEquals(Defaults.INPAINT_SAMPLES_CPU, Defaults.samples(Defaults.Task.INPAINT, 0, Device.cpu()));
		assertTrue(Defaults.INPAINT_SAMPLES_CPU < Defaults.INPAINT_SAMPLES);
		for (final Device d : new Device[] { Device.cpu(), Device.gpu() }) {
			assertEquals(3, Defaults.samples(Defaults.Task.INPAINT, 3, d));
			assertEquals(Defaults.SUPER_RESOLVE_2_SAMPLES, Defaults.samples(Defaults.Task.SUPER_RESOLVE_2, 0, d));
			assertEquals(Defaults.SUPER_RESOLVE_4_SAMPLES, Defaults.samples(Defaults.Task.SUPER_RESOLVE_4, 0, d));
			assertEquals(0, Defaults.samples(Defaults.Task.DENOISE, 0, d));
		}
	}

	@Test
	void eachTaskHasItsStepsAndStart() {
		assertEquals(Defaults.SUPER_RESOLVE_2_STEPS, Defaults.steps(Defaults.Task.SUPER_RESOLVE_2, 0));
		assertEquals(7, Defaults.steps(Defaults.Task.SUPER_RESOLVE_2, 7));
		assertEquals(Defaults.Task.SUPER_RESOLVE_4, Defaults.Task.inverse(4));
		// x4's guess holds no thin line: it starts higher than x2 and inpainting.
		assertTrue(Defaults.start(Defaults.Task.SUPER_RESOLVE_4) > Defaults.start(Defaults.Task.SUPER_RESOLVE_2));
		assertEquals(Defaults.start(Defaults.Task.INPAINT), Defaults.start(Defaults.Task.SUPER_RESOLVE_2));
		org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Defaults.start(
			Defaults.Task.DENOISE));
	}
}
