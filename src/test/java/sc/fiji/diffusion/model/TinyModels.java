package sc.fiji.diffusion.model;

import ai.djl.Device;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

import sc.fiji.diffusion.engine.Family;
import sc.fiji.diffusion.engine.TensorFile;
import sc.fiji.diffusion.engine.Trainer;
import sc.fiji.diffusion.engine.UNetConfig;
import sc.fiji.diffusion.engine.VeSchedule;

/** Test fixture: a tiny NCSN model, trained for three steps on blank patches, saved as a folder. */
public final class TinyModels {

	public static final UNetConfig TINY = new UNetConfig(new int[] { 8, 16 }, 1, 4, 16);

	private TinyModels() {}

	/** Saves the model in dir and returns its EMA weights. */
	public static Map<String, TensorFile.Tensor> save(final Path dir) throws IOException {
		final Trainer.Config c = new Trainer.Config(Family.NCSN, new VeSchedule(0.01, 20), TINY, 16, 4,
			1e-3, 0.9, 1);
		try (Trainer t = new Trainer(c, (r, s) -> new float[s * s], Device.cpu())) {
			for (int i = 0; i < 3; i++) t.trainStep();
			final Map<String, TensorFile.Tensor> w = t.emaWeights();
			// Stored in float, so that tests can compare what they load with what was trained, bit for bit.
			ModelFolder.save(dir, ModelCard.create("tiny", Family.NCSN, c.schedule(), TINY, 16), w,
				TensorFile.Storage.FLOAT);
			return w;
		}
	}

	/**
	 * The tiny model in dir/tiny and broken copies of it beside: corrupted (a bit of the weights
	 * flipped), mismatched (weights of another shape, under a card with their checksum), badcard (a
	 * card cut short), noweights (no weights.bin).
	 */
	public static void saveWithBrokenCopies(final Path dir) throws IOException {
		final Path tiny = dir.resolve("tiny");
		final Map<String, TensorFile.Tensor> weights = save(tiny);
		final Path corrupted = copy(tiny, dir.resolve("corrupted"));
		final byte[] w = Files.readAllBytes(corrupted.resolve(ModelFolder.WEIGHTS));
		w[w.length / 2] ^= 1;
		Files.write(corrupted.resolve(ModelFolder.WEIGHTS), w);
		final Map<String, TensorFile.Tensor> other = new TreeMap<>(weights);
		other.put(other.keySet().iterator().next(), new TensorFile.Tensor(new long[] { 3 }, new float[3]));
		ModelFolder.save(dir.resolve("mismatched"), ModelFolder.card(tiny), other,
			TensorFile.Storage.FLOAT);
		Files.writeString(copy(tiny, dir.resolve("badcard")).resolve(ModelFolder.CARD), "{\"family\": ");
		Files.delete(copy(tiny, dir.resolve("noweights")).resolve(ModelFolder.WEIGHTS));
	}

	private static Path copy(final Path model, final Path to) throws IOException {
		Files.createDirectories(to);
		for (final String f : new String[] { ModelFolder.CARD, ModelFolder.WEIGHTS }) {
			Files.copy(model.resolve(f), to.resolve(f));
		}
		return to;
	}
}
