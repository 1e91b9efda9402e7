package sc.fiji.diffusion.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where models are found: each root folder holds one sub-folder per model. The roots are the
 * plugin's own {@code models/} and Fiji's {@code Fiji.app/models}, or any folder given; a model can
 * also be named by its path.
 */
public final class ModelCatalog {

	private final List<Path> roots;

	/** Roots searched in order, each once (absolute and normalized). */
	public ModelCatalog(final List<Path> roots) {
		this.roots = roots.stream().map(p -> p.toAbsolutePath().normalize()).distinct().toList();
	}

	/**
	 * The folders under the system property "diffusion.models", {@code models/} under the working
	 * directory, {@code models/} beside this program's jar and one folder up (Fiji.app/plugins/models
	 * and Fiji.app/models; target/models and the project's models/ for the command line), and
	 * under the system property "ij.dir".
	 */
	public static ModelCatalog standard() {
		final List<Path> roots = new ArrayList<>();
		final String extra = System.getProperty("diffusion.models");
		if (extra != null) for (final String p : extra.split(java.io.File.pathSeparator)) roots.add(Paths.get(p));
		roots.add(Paths.get("models"));
		final Path jarDir = installFolder();
		if (jarDir != null) {
			roots.add(jarDir.resolve("models"));
			if (jarDir.getParent() != null) roots.add(jarDir.getParent().resolve("models"));
		}
		final String ij = System.getProperty("ij.dir");
		if (ij != null) roots.add(Paths.get(ij, "models"));
		return new ModelCatalog(roots);
	}

	/**
	 * The folder holding this program's jar (the plugin jar in Fiji, the command-line jar), or null
	 * when the classes do not come from a jar file on disk.
	 */
	public static Path installFolder() {
		try {
			final Path p = Paths.get(ModelCatalog.class.getProtectionDomain().getCodeSource().getLocation()
				.toURI());
			return Files.isRegularFile(p) ? p.getParent() : null;
		}
		catch (final java.net.URISyntaxException | SecurityException | NullPointerException
			| java.nio.file.FileSystemNotFoundException | IllegalArgumentException e)
		{
			return null;
		}
	}

	public List<Path> roots() {
		return roots;
	}

	/** Installed models by name (first root wins), with readable cards; broken ones reported apart. */
	public Map<String, Path> list(final Map<Path, String> broken) {
		final Map<String, Path> found = new LinkedHashMap<>();
		for (final Path root : roots) {
			if (!Files.isDirectory(root)) continue;
			try (Stream<Path> dirs = Files.list(root)) {
				for (final Path d : (Iterable<Path>) dirs.sorted()::iterator) {
					if (!ModelFolder.isModel(d)) continue;
					try {
						found.putIfAbsent(ModelFolder.card(d).name(), d);
					}
					catch (final IOException e) {
						if (broken != null) broken.put(d, e.getMessage());
					}
				}
			}
			catch (final IOException e) {
				if (broken != null) broken.put(root, e.getMessage());
			}
		}
		return found;
	}

	/**
	 * A model by name or by folder path; the message lists what is installed, or says that the folder
	 * given holds no card.
	 */
	public Path resolve(final String nameOrPath) throws IOException {
		final Path asPath = Paths.get(nameOrPath);
		if (ModelFolder.isModel(asPath)) return asPath;
		final Map<String, Path> all = list(null);
		final Path p = all.get(nameOrPath);
		if (p != null) return p;
		// A folder given by its path that holds no card: say so, not that no such model is installed.
		if (Files.isDirectory(asPath)) ModelFolder.card(asPath);
		throw new IOException("No model '" + nameOrPath + "' in " + roots + ". Installed: " + (all
			.isEmpty() ? "none" : String.join(", ", all.keySet())) + ". Give a name from that list or " +
			"the path of a model folder.");
	}

	/** The reserved model name that picks an installed model by device. */
	public static final String AUTO = "auto";

	/**
	 * A model by name or path as {@link #resolve}, or for {@link #AUTO} the installed DDPM model that
	 * suits the device and the task: on a GPU the largest network (as fast there as a small one, and
	 * the best prior), on the CPU the smallest (sized for laptops), among the models whose card lets
	 * auto pick them for the task ({@link ModelCard#suits}: a denoising-only CPU model is left out of
	 * the inverse problems). DDPM for every task: NCSN measured weaker at inpainting. Without a DDPM
	 * model for the task any installed model, said in {@code notes}; the choice is said there too.
	 *
	 * @param task a name of {@link ModelCard#TASKS}, or null for any task
	 */
	public Path choose(final String nameOrPath, final boolean gpu, final String task,
		final java.util.function.Consumer<String> notes) throws IOException
	{
		if (!AUTO.equalsIgnoreCase(nameOrPath.trim())) return resolve(nameOrPath);
		final Map<String, Path> all = list(null);
		if (all.isEmpty()) {
			throw new IOException("No model installed in " + roots + ": copy a model folder (such as the " +
				"shipped ones in models/) there, or give the path of one.");
		}
		// By name (the catalog's keys), the largest or smallest network; a DDPM one for the task if any.
		String best = null, bestDdpm = null;
		long size = 0, sizeDdpm = 0;
		for (final Map.Entry<String, Path> e : all.entrySet()) {
			final ModelCard card = ModelFolder.card(e.getValue());
			long weights = 0;
			for (final int w : card.network().widths()) weights += (long) w * w;
			if (best == null || (gpu ? weights > size : weights < size)) {
				best = e.getKey();
				size = weights;
			}
			if (card.family() == sc.fiji.diffusion.engine.Family.DDPM && card.suits(task) && (bestDdpm ==
				null || (gpu ? weights > sizeDdpm : weights < sizeDdpm)))
			{
				bestDdpm = e.getKey();
				sizeDdpm = weights;
			}
		}
		final String chosen = bestDdpm != null ? bestDdpm : best;
		final String what = task == null ? "" : " for " + task;
		notes.accept("Model auto: " + chosen + " (" + (bestDdpm != null ? "the " +
			(gpu ? "largest" : "smallest") + " installed DDPM model" + what + ", for " + (gpu ? "a GPU" :
				"the CPU") : "no DDPM model" + what + " is installed; the " + (gpu ? "largest" : "smallest") +
					" model") + "); name the model for reproducible batches");
		return all.get(chosen);
	}
}
