package sc.fiji.diffusion.commands;

import ai.djl.Device;

import java.io.IOException;
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
import sc.fiji.diffusion.engine.Precision;
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

	private record Key(Path folder, Device device, Precision precision) {}

	/** A loaded model, the commands using it now, and whether it closes when the last one ends. */
	private static final class Entry {

		final NetworkDenoiser model;
		int users;
		boolean retired;

		Entry(final NetworkDenoiser model) {
			this.model = model;
		}
	}

	/** A command's use of a loaded model; closing it ends the use (the model stays loaded). */
	public final class Lease implements AutoCloseable {

		private final Entry entry;
		private boolean closed;

		private Lease(final Entry entry) {
			this.entry = entry;
		}

		public NetworkDenoiser model() {
			return entry.model;
		}

		@Override
		public void close() {
			synchronized (DiffusionModelService.this) {
				if (closed) return;
				closed = true;
				entry.users--;
				if (entry.retired && entry.users == 0) entry.model.close();
			}
		}
	}

	private final Map<Key, Entry> loaded = new LinkedHashMap<>();

	/** Where models are found: the folders of {@link ModelCatalog#standard()}, then ImageJ's own folder. */
	public ModelCatalog catalog() {
		final List<Path> roots = new ArrayList<>(ModelCatalog.standard().roots());
		final String ijDir = ij.IJ.getDirectory("imagej");
		if (ijDir != null) roots.add(Paths.get(ijDir, "models"));
		return new ModelCatalog(roots);
	}

	/** The card of a model given by name or path, without loading its weights. */
	public ModelCard card(final String nameOrPath) throws IOException {
		return ModelFolder.card(catalog().resolve(nameOrPath));
	}

	/**
	 * A loaded model, from the cache when the same folder is already on the device in that precision;
	 * close the lease when done. A model released or forgotten meanwhile closes when its last lease
	 * does.
	 */
	public synchronized Lease lease(final String nameOrPath, final Device device,
		final Precision precision) throws IOException
	{
		final Path folder = catalog().resolve(nameOrPath).toAbsolutePath().normalize();
		final Key key = new Key(folder, device, precision);
		Entry e = loaded.get(key);
		if (e == null) {
			// One copy per folder and device: another precision's copy goes when it is idle.
			retireWhere(k -> k.folder().equals(folder) && k.device().equals(device));
			e = new Entry(ModelFolder.load(folder, device, precision));
			loaded.put(key, e);
			log().info("Loaded model " + folder + " on " + device + " in " + precision + " precision, " + e.model
				.networkPath());
		}
		e.users++;
		return new Lease(e);
	}

	/** Names of the models loaded now. */
	public synchronized List<String> loadedModels() {
		return loaded.keySet().stream().map(k -> k.folder().getFileName() + " on " + k.device() + " in " +
			k.precision() + " precision").toList();
	}



	/** Drops a folder's loaded copies (its weights were rewritten); each closes when idle. */
	public synchronized void forget(final Path folder) {
		final Path f = folder.toAbsolutePath().normalize();
		retireWhere(k -> k.folder().equals(f));
	}

	/** Drops the loaded copies whose keys match; each closes when idle. */
	private void retireWhere(final java.util.function.Predicate<Key> match) {
		loaded.entrySet().removeIf(en -> {
			if (!match.test(en.getKey())) return false;
			retire(en.getValue());
			return true;
		});
	}

	/** Unloads every model: idle ones now, those in use when their command ends. */
	public synchronized void release() {
		for (final Entry e : loaded.values()) retire(e);
		loaded.clear();
	}

	private static void retire(final Entry e) {
		e.retired = true;
		if (e.users == 0) e.model.close();
	}

	@Override
	public void dispose() {
		release();
	}
}
