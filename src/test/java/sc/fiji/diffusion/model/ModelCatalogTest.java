package sc.fiji.diffusion.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.diffusion.engine.Family;
import sc.fiji.diffusion.engine.TensorFile;
import sc.fiji.diffusion.engine.UNetConfig;
import sc.fiji.diffusion.engine.VpSchedule;

/** Model auto: the largest installed DDPM model on a GPU, the smallest on the CPU, said. */
class ModelCatalogTest {

	/** A card of a DDPM network of these widths beside the tiny model's weights (cards only are read). */
	private static void ddpm(final Path dir, final String name, final int... widths) throws IOException {
		final Map<String, TensorFile.Tensor> w = TinyModels.save(dir.resolve(name));
		ModelFolder.save(dir.resolve(name), ModelCard.create(name, Family.DDPM, VpSchedule.linear(1000,
			1e-4, 0.02), new UNetConfig(widths, 1, 4, 16), 16), w, TensorFile.Storage.FLOAT);
	}

	@Test
	void autoPicksByDeviceAndSaysSo(@TempDir final Path dir) throws IOException {
		TinyModels.save(dir.resolve("a-ncsn-huge"));
		ddpm(dir, "small", 8, 16);
		ddpm(dir, "large", 16, 32);
		final ModelCatalog c = new ModelCatalog(List.of(dir));
		final List<String> notes = new ArrayList<>();
		assertEquals("large", ModelFolder.card(c.choose("auto", true, notes::add)).name());
		assertEquals("small", ModelFolder.card(c.choose("AUTO", false, notes::add)).name());
		assertTrue(notes.get(0).contains("Model auto: large") && notes.get(0).contains("for a GPU"), notes
			.toString());
		assertTrue(notes.get(1).contains("name the model for reproducible batches"), notes.toString());
		// A named model is that model on any device, with nothing said.
		notes.clear();
		assertEquals("small", ModelFolder.card(c.choose("small", true, notes::add)).name());
		assertTrue(notes.isEmpty());
	}

	@Test
	void withoutADdpmModelAutoTakesAnotherAndSaysSo(@TempDir final Path dir) throws IOException {
		TinyModels.save(dir.resolve("only"));
		final List<String> notes = new ArrayList<>();
		new ModelCatalog(List.of(dir)).choose("auto", false, notes::add);
		assertTrue(notes.get(0).contains("no DDPM model is installed"), notes.toString());
	}
}
