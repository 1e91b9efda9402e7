package sc.fiji.diffusion.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;

import org.junit.jupiter.api.Test;

/** The user's device words, on whatever machine the tests run. */
class DevicesTest {

	private static Device choose(final String choice) {
		return Devices.choose(choice, note -> {});
	}

	@Test
	void wordsChooseTheDeviceOrSayWhatExists() {
		final int gpus = Engine.getEngine("PyTorch").getGpuCount();
		assertEquals(Device.cpu(), choose("CPU"));
		assertEquals(gpus > 0 ? Device.gpu() : Device.cpu(), choose("auto"));
		assertTrue(assertThrows(IllegalArgumentException.class, () -> choose("gpu:" + gpus))
			.getMessage().contains("PyTorch sees " + gpus + " GPU(s)"));
		assertTrue(assertThrows(IllegalArgumentException.class, () -> choose("tpu")).getMessage()
			.contains("gpu:N"));
		if (gpus == 0) {
			assertTrue(assertThrows(IllegalArgumentException.class, () -> choose("gpu")).getMessage()
				.contains("use device=cpu"));
		}
		else {
			assertEquals(Device.gpu(gpus - 1), choose("GPU:" + (gpus - 1)));
		}
	}

	@Test
	void aGpuOlderThanPyTorchsCudaBuildIsTheCpuForAutoAndAMessageWhenAskedFor() {
		assertEquals(Device.gpu(), Devices.supported(Device.gpu(), 86, true));
		assertEquals(Device.gpu(), Devices.supported(Device.gpu(), 75, true));
		assertEquals(Device.gpu(), Devices.supported(Device.gpu(), -1, true));
		assertEquals(Device.cpu(), Devices.supported(Device.gpu(), 61, false));
		final String m = assertThrows(IllegalArgumentException.class, () -> Devices.supported(Device.gpu(),
			61, true)).getMessage();
		assertTrue(m.contains("capability 6.1") && m.contains("Use device=cpu"), m);
		final java.util.List<String> notes = new java.util.ArrayList<>();
		assertEquals(Device.cpu(), Devices.auto(52, notes::add));
		assertEquals(java.util.List.of("The GPU has CUDA compute capability 5.2, older than PyTorch's " +
			"CUDA 12.8 build runs on (7.5): working on the CPU."), notes);
		notes.clear();
		assertEquals(Device.gpu(), Devices.auto(90, notes::add));
		assertTrue(notes.isEmpty());
	}
}
