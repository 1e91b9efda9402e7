package sc.fiji.diffusion.engine;

import java.nio.file.Files;
import java.nio.file.Paths;

import ai.djl.Device;
import sc.fiji.diffusion.model.ModelFolder;

/**
 * Writes a model's network as the TorchScript archive restorations load ({@link UNetScript}), for
 * {@code src/benchmark/python/torch_unet.py --script FILE}: the same module timed from PyTorch
 * beside the eager twin, which tells the module's own speed from what calling it through DJL costs.
 * Usage: {@code ScriptArchiveDump MODEL_DIR OUT.pt [float|half]}.
 */
public final class ScriptArchiveDump {

	private ScriptArchiveDump() {}

	public static void main(final String[] args) throws Exception {
		final Precision precision = args.length > 2 && "half".equals(args[2]) ? Precision.HALF : Precision.FLOAT;
		try (NetworkDenoiser model = ModelFolder.load(Paths.get(args[0]), Device.cpu(), Precision.FLOAT)) {
			if (precision != Precision.FLOAT) model.network().cast(precision.dataType());
			Files.write(Paths.get(args[1]), UNetScript.archive(model.network(), false, false));
		}
	}
}
