package sc.fiji.diffusion.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;

import org.junit.jupiter.api.Test;

/** The user's precision words: half where it pays, a message where it does not. */
class PrecisionTest {

	@Test
	void autoIsHalfOnAGpuAndFloatOnTheCpu() {
		assertEquals(Precision.HALF, Precision.choose("auto", Device.gpu()));
		assertEquals(Precision.FLOAT, Precision.choose("Auto", Device.cpu()));
		assertEquals(Precision.FLOAT, Precision.choose(null, Device.cpu()));
		assertEquals(Precision.FLOAT, Precision.choose("FLOAT", Device.gpu(1)));
		assertEquals(Precision.HALF, Precision.choose(" half ", Device.gpu(1)));
	}

	@Test
	void halfOnTheCpuAndUnknownWordsAreRefusedWithWhatToWrite() {
		assertTrue(assertThrows(IllegalArgumentException.class, () -> Precision.choose("half", Device
			.cpu())).getMessage().contains("Use precision=auto or precision=float"));
		assertTrue(assertThrows(IllegalArgumentException.class, () -> Precision.choose("bfloat16", Device
			.gpu())).getMessage().contains("use auto, float or half"));
	}
}
