package sc.fiji.diffusion.commands;

import ai.djl.Device;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.scijava.plugin.Plugin;
import org.scijava.service.AbstractService;
import org.scijava.service.SciJavaService;
import org.scijava.service.Service;

import sc.fiji.diffusion.engine.NetworkDenoiser;
import sc.fiji.diffusion.model.ModelCard;
import sc.fiji.diffusion.model.ModelCatalog;
import sc.fiji.diffusion.model.ModelFolder;

/**
 * Keeps loaded models across commands and batch loops: loading checks the weights' SHA-256 and moves
 * them to the device, which costs more than restoring a small image. A model stays loaded until
 * {@link #release()} (Diffusion Model Info can release them) or until the context is disposed.
 */
@Plugin(type = Service.class)
public class DiffusionModelService extends AbstractService implements SciJavaService {

	private record Key(Path folder, Device device) {}

	private final Map<Key, NetworkDenoiser> loaded = new LinkedHashMap<>();

	/**
	 * Where models are found: the folders of {@link ModelCatalog#standard()}, then {@code models/}
	 * beside the plugin jar and one folder up (Fiji.app/plugins/models, Fiji.app/models), then
	 * ImageJ's own folder.
	 */
	public ModelCatalog catalog() {
		final List<Path> roots = new ArrayList<>(ModelCatalog.standard().roots());
		final Path jarDir = jarFolder();
		if (jarDir != null) {
			roots.add(jarDir.resolve("models"));
			if (jarDir.getParent() != null) roots.add(jarDir.getParent().resolve("models"));
		}
		final String ijDir = ij.IJ.getDirectory("imagej");
		if (ijDir != null) roots.add(Paths.get(ijDir, "models"));
		return new ModelCatalog(roots.stream().map(p -> p.toAbsolutePath().normalize()).distinct()
			.toList());
	}

	/** The card of a model given by name or path, without loading its weights. */
	public ModelCard card(final String nameOrPath) throws IOException {
		return ModelFolder.card(catalog().resolve(nameOrPath));
	}

	/** A loaded model, from the cache when the same folder is already on the device. */
	public synchronized NetworkDenoiser get(final String nameOrPath, final Device device)
		throws IOException
	{
		final Path folder = catalog().resolve(nameOrPath).toAbsolutePath().normalize();
		final Key key = new Key(folder, device);
		NetworkDenoiser model = loaded.get(key);
		if (model == null) {
			model = ModelFolder.load(folder, device);
			loaded.put(key, model);
			log().info("Loaded model " + folder + " on " + device);
		}
		return model;
	}

	/** Names of the models loaded now. */
	public synchronized List<String> loadedModels() {
		return loaded.keySet().stream().map(k -> k.folder().getFileName() + " on " + k.device()).toList();
	}

	/** Closes every loaded model and frees its device memory. */
	public synchronized void release() {
		for (final NetworkDenoiser m : loaded.values()) m.close();
		loaded.clear();
	}

	@Override
	public void dispose() {
		release();
	}

	private static Path jarFolder() {
		try {
			final Path p = Paths.get(DiffusionModelService.class.getProtectionDomain().getCodeSource()
				.getLocation().toURI());
			return p.getParent();
		}
		catch (final URISyntaxException | SecurityException | NullPointerException e) {
			return null;
		}
	}
}
