package sc.fiji.diffusion.restore;

import ai.djl.Device;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Paths;

import sc.fiji.diffusion.engine.NetworkDenoiser;
import sc.fiji.diffusion.model.ModelFolder;

/** Test fixture: the shipped DDPM model, loaded once per JVM on the CPU. */
final class ShippedModel {

	private static NetworkDenoiser model;

	private ShippedModel() {}

	static synchronized NetworkDenoiser ddpm() {
		if (model == null) {
			try {
				model = ModelFolder.load(Paths.get("models", "ddpm-fluo"), Device.cpu());
			}
			catch (final IOException e) {
				throw new UncheckedIOException(e);
			}
		}
		return model;
	}
}
