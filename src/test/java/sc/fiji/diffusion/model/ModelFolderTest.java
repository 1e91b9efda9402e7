package sc.fiji.diffusion.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.diffusion.engine.Family;
import sc.fiji.diffusion.engine.HostReads;
import sc.fiji.diffusion.engine.NetworkDenoiser;
import sc.fiji.diffusion.engine.TensorFile;
import sc.fiji.diffusion.engine.Trainer;
import sc.fiji.diffusion.engine.UNetConfig;
import sc.fiji.diffusion.engine.VeSchedule;

class ModelFolderTest {

	@Test
	void saveAndLoadRoundTripIsBitIdentical(@TempDir final Path dir) throws IOException {
		final Map<String, TensorFile.Tensor> saved = TinyModels.save(dir);
		final ModelCard card = ModelFolder.card(dir);
		assertEquals("tiny", card.name());
		assertEquals(64, card.sha256().length());
		try (NetworkDenoiser d = ModelFolder.load(dir, Device.cpu())) {
			final Map<String, TensorFile.Tensor> loaded = sc.fiji.diffusion.engine.Checkpoint.weights(d
				.network());
			assertEquals(saved.keySet(), loaded.keySet());
			for (final String k : saved.keySet()) {
				assertArrayEquals(saved.get(k).values(), loaded.get(k).values(), 0f, k);
			}
			// And the network computes the same thing twice from a reload.
			try (NetworkDenoiser again = ModelFolder.load(dir, Device.cpu());
				NDManager m = NDManager.newBaseManager(Device.cpu()))
			{
				final NDArray x = m.randomNormal(new Shape(1, 1, 16, 16));
				final NDArray s = m.create(new float[] { 0.7f });
				assertArrayEquals(HostReads.floats(d.denoise(x, s)), HostReads.floats(again.denoise(x, s)),
					0f);
			}
		}
	}

	@Test
	void loadedWeightsOwnTheirMemory(@TempDir final Path dir) throws IOException, InterruptedException {
		final Map<String, TensorFile.Tensor> saved = TinyModels.save(dir);
		try (NetworkDenoiser d = ModelFolder.load(dir, Device.cpu())) {
			// The buffers the weights were made from are collected, and their memory given to others.
			for (int round = 0; round < 5; round++) {
				System.gc();
				Thread.sleep(50);
				for (int i = 0; i < 2000; i++) {
					final java.nio.ByteBuffer b = java.nio.ByteBuffer.allocateDirect(64 << (i % 8));
					while (b.hasRemaining()) b.put((byte) 0x7f);
				}
			}
			final Map<String, TensorFile.Tensor> loaded = sc.fiji.diffusion.engine.Checkpoint.weights(d
				.network());
			for (final String k : saved.keySet()) {
				assertArrayEquals(saved.get(k).values(), loaded.get(k).values(), 0f, k);
			}
		}
	}

	@Test
	void corruptedWeightsAreRefusedByTheirChecksum(@TempDir final Path dir) throws IOException {
		TinyModels.save(dir);
		final Path w = dir.resolve(ModelFolder.WEIGHTS);
		final byte[] bytes = Files.readAllBytes(w);
		bytes[bytes.length - 3] ^= 0x55;
		Files.write(w, bytes);
		final IOException e = assertThrows(IOException.class, () -> ModelFolder.load(dir, Device.cpu()));
		assertTrue(e.getMessage().contains("do not match their card"), e.getMessage());
	}

	@Test
	void aCardThatDescribesAnotherNetworkIsRefused(@TempDir final Path dir) throws IOException {
		TinyModels.save(dir);
		final ModelCard card = ModelFolder.card(dir);
		card.with("network", new UNetConfig(new int[] { 8, 32 }, 1, 4, 16).describe()).write(dir.resolve(
			ModelFolder.CARD));
		final IOException e = assertThrows(IOException.class, () -> ModelFolder.load(dir, Device.cpu()));
		assertTrue(e.getMessage().contains("shape"), e.getMessage());
	}

	@Test
	void aCardWithAMissingKeyOrWrongFamilyIsRefused(@TempDir final Path dir) throws IOException {
		TinyModels.save(dir);
		final Path cardFile = dir.resolve(ModelFolder.CARD);
		final String json = Files.readString(cardFile);
		Files.writeString(cardFile, json.replace("\"family\": \"ncsn\"", "\"family\": \"ddpm\""));
		IOException e = assertThrows(IOException.class, () -> ModelFolder.load(dir, Device.cpu()));
		assertTrue(e.getMessage().contains("does not fit family ddpm"), e.getMessage());
		Files.writeString(cardFile, json.replace("\"patch\"", "\"size\""));
		e = assertThrows(IOException.class, () -> ModelFolder.load(dir, Device.cpu()));
		assertTrue(e.getMessage().contains("lacks the key 'patch'"), e.getMessage());
		Files.writeString(cardFile, "{ not json");
		e = assertThrows(IOException.class, () -> ModelFolder.load(dir, Device.cpu()));
		assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
	}

	@Test
	void aMissingFolderOrNameSaysWhatIsInstalled(@TempDir final Path dir) throws IOException {
		TinyModels.save(dir.resolve("tiny-folder"));
		final ModelCatalog catalog = new ModelCatalog(java.util.List.of(dir));
		assertEquals(dir.resolve("tiny-folder"), catalog.resolve("tiny"));
		final IOException e = assertThrows(IOException.class, () -> catalog.resolve("nope"));
		assertTrue(e.getMessage().contains("Installed: tiny"), e.getMessage());
	}

	/** A model trained on noisy images is never asked below its lowest trained level. */
	@Test
	void aModelOfNoisyDataAnswersBelowItsLowestLevelAsAtIt(@TempDir final Path dir) throws IOException {
		TinyModels.save(dir);
		final ModelCard card = ModelFolder.card(dir);
		final Map<String, Object> training = new java.util.LinkedHashMap<>(card.training());
		training.put("noisy_data", Map.of("lowest_level", 0.5));
		card.with("training", training).write(dir.resolve(ModelFolder.CARD));
		try (NetworkDenoiser d = ModelFolder.load(dir, Device.cpu());
			NDManager m = NDManager.newBaseManager(Device.cpu()))
		{
			assertEquals(0.5, d.lowestLevel(), 0);
			final NDArray x = m.randomNormal(new Shape(1, 1, 16, 16));
			final float[] low = HostReads.floats(d.denoise(x, m.create(new float[] { 0.1f }))), at = HostReads
				.floats(d.denoise(x, m.create(new float[] { 0.5f }))), above = HostReads.floats(d.denoise(x, m
					.create(new float[] { 2f })));
			assertArrayEquals(at, low, 0f);
			assertTrue(!java.util.Arrays.equals(at, above), "levels above it are served as they are");
		}
	}
}
