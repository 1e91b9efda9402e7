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
		ddpmFor(dir, name, null, widths);
	}

	/** The same with the card's auto_tasks (null: none). */
	private static void ddpmFor(final Path dir, final String name, final Object autoTasks, final int... widths)
		throws IOException
	{
		final Map<String, TensorFile.Tensor> w = TinyModels.save(dir.resolve(name));
		ModelCard card = ModelCard.create(name, Family.DDPM, VpSchedule.linear(1000, 1e-4, 0.02),
			new UNetConfig(widths, 1, 4, 16), 16);
		if (autoTasks != null) card = card.with("auto_tasks", autoTasks);
		ModelFolder.save(dir.resolve(name), card, w, TensorFile.Storage.FLOAT);
	}

	@Test
	void aDenoisingOnlyModelServesDenoisingOnly(@TempDir final Path dir) throws IOException {
		ddpm(dir, "general", 16, 32);
		ddpmFor(dir, "denoiser", List.of("denoise"), 8, 16);
		ddpm(dir, "huge", 64, 128);
		final ModelCatalog c = new ModelCatalog(List.of(dir));
		final List<String> notes = new ArrayList<>();
		assertEquals("denoiser", ModelFolder.card(c.choose("auto", false, "denoise", notes::add)).name());
		assertTrue(notes.get(0).contains("for denoise, for the CPU"), notes.toString());
		assertEquals("general", ModelFolder.card(c.choose("auto", false, "inpaint", notes::add)).name());
		assertEquals("general", ModelFolder.card(c.choose("auto", false, "super-resolve", notes::add)).name());
		// On a GPU the largest, whatever the task; named, the denoiser serves any task.
		assertEquals("huge", ModelFolder.card(c.choose("auto", true, "denoise", notes::add)).name());
		assertEquals("denoiser", ModelFolder.card(c.choose("denoiser", false, "inpaint", notes::add)).name());
		// Only the denoiser installed: inpainting takes it all the same, and says there is no DDPM model for it.
		final Path only = dir.resolve("only");
		ddpmFor(only, "denoiser", List.of("denoise"), 8, 16);
		notes.clear();
		assertEquals("denoiser", ModelFolder.card(new ModelCatalog(List.of(only)).choose("auto", false, "inpaint",
			notes::add)).name());
		assertTrue(notes.get(0).contains("no DDPM model for inpaint is installed"), notes.toString());
	}

	@Test
	void aCardWithUnknownAutoTasksIsRefusedNamingThem(@TempDir final Path dir) throws IOException {
		for (final Object bad : new Object[] { List.of("denoising"), List.of(), "denoise" }) {
			final Path d = dir.resolve("m" + bad.hashCode());
			ddpmFor(d, "m", bad, 8, 16);
			final IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> ModelFolder
				.card(d.resolve("m")));
			assertTrue(e.getMessage().contains("auto_tasks must be a non-empty list of [denoise, inpaint, " +
				"super-resolve]"), e.getMessage());
		}
	}

	@Test
	void everyRestorationHasItsNameInCards() {
		for (final sc.fiji.diffusion.restore.Defaults.Task t : sc.fiji.diffusion.restore.Defaults.Task.values()) {
			assertTrue(ModelCard.TASKS.contains(t.key()), t.key());
		}
	}

	@Test
	void autoPicksByDeviceAndSaysSo(@TempDir final Path dir) throws IOException {
		TinyModels.save(dir.resolve("a-ncsn-huge"));
		ddpm(dir, "small", 8, 16);
		ddpm(dir, "large", 16, 32);
		final ModelCatalog c = new ModelCatalog(List.of(dir));
		final List<String> notes = new ArrayList<>();
		assertEquals("large", ModelFolder.card(c.choose("auto", true, null, notes::add)).name());
		assertEquals("small", ModelFolder.card(c.choose("AUTO", false, null, notes::add)).name());
		assertTrue(notes.get(0).contains("Model auto: large") && notes.get(0).contains("for a GPU"), notes
			.toString());
		assertTrue(notes.get(1).contains("name the model for reproducible batches"), notes.toString());
		// A named model is that model on any device, with nothing said.
		notes.clear();
		assertEquals("small", ModelFolder.card(c.choose("small", true, "inpaint", notes::add)).name());
		assertTrue(notes.isEmpty());
	}

	@Test
	void withoutADdpmModelAutoTakesAnotherAndSaysSo(@TempDir final Path dir) throws IOException {
		TinyModels.save(dir.resolve("only"));
		final List<String> notes = new ArrayList<>();
		new ModelCatalog(List.of(dir)).choose("auto", false, "denoise", notes::add);
		assertTrue(notes.get(0).contains("no DDPM model for denoise is installed"), notes.toString());
	}
}
