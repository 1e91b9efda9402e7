package sc.fiji.diffusion.model;

import ai.djl.Device;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

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
}
