package sc.fiji.diffusion.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;

import org.junit.jupiter.api.Test;

/** The user's device words, on whatever machine the tests run. */
class DevicesTest {

	@Test
	void wordsChooseTheDeviceOrSayWhatExists() {
		final int gpus = Engine.getEngine("PyTorch").getGpuCount();
		assertEquals(Device.cpu(), Devices.choose("CPU"));
		assertEquals(gpus > 0 ? Device.gpu() : Device.cpu(), Devices.choose("auto"));
		assertTrue(assertThrows(IllegalArgumentException.class, () -> Devices.choose("gpu:" + gpus))
			.getMessage().contains("PyTorch sees " + gpus + " GPU(s)"));
		assertTrue(assertThrows(IllegalArgumentException.class, () -> Devices.choose("tpu")).getMessage()
			.contains("gpu:N"));
		if (gpus == 0) {
			assertTrue(assertThrows(IllegalArgumentException.class, () -> Devices.choose("gpu")).getMessage()
				.contains("use device cpu"));
		}
		else {
			assertEquals(Device.gpu(gpus - 1), Devices.choose("GPU:" + (gpus - 1)));
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
		assertTrue(m.contains("capability 6.1") && m.contains("Use device cpu"), m);
		final java.util.List<String> notes = new java.util.ArrayList<>();
		assertEquals(Device.cpu(), Devices.auto(52, notes::add));
		assertEquals(java.util.List.of("The GPU has CUDA compute capability 5.2, older than PyTorch's " +
			"CUDA 12.8 build runs on (7.5): working on the CPU."), notes);
		notes.clear();
		assertEquals(Device.gpu(), Devices.auto(90, notes::add));
		assertTrue(notes.isEmpty());
	}
}
