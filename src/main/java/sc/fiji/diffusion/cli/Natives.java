package sc.fiji.diffusion.cli;

import java.nio.file.Files;
import java.nio.file.Path;

import sc.fiji.diffusion.model.ModelCatalog;

/**
 * Points DJL at the CPU libraries the build unpacked beside the CLI jar ({@code djl-cache/}), so the
 * CLI runs offline on CPU. DJL picks its library flavour first: on a machine with an NVIDIA GPU it
 * looks for the CUDA build instead, which is not there and is downloaded once (several GB) unless
 * the run is offline. A cache or library path set by the user wins.
 */
final class Natives {

	private Natives() {}

	static void configure(final String device) {
		if (System.getenv("PYTORCH_LIBRARY_PATH") != null || System.getProperty("ENGINE_CACHE_DIR") !=
			null || System.getenv("ENGINE_CACHE_DIR") != null)
		{
			return;
		}
		final Path cache = bundledCache();
		if (cache != null) System.setProperty("ENGINE_CACHE_DIR", cache.toString());
		if ("cpu".equalsIgnoreCase(device) && System.getProperty("ai.djl.offline") == null) {
			System.setProperty("ai.djl.offline", "true");
		}
	}

	private static Path bundledCache() {
		final Path jarDir = ModelCatalog.installFolder();
		final Path dir = jarDir == null ? null : jarDir.resolve("djl-cache");
		return dir != null && Files.isDirectory(dir) ? dir : null;
	}
}
