package sc.fiji.diffusion.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import sc.fiji.diffusion.model.ModelCatalog;
import sc.fiji.diffusion.model.ModelFolder;

/** Lists installed models with their cards. */
final class ModelsVerb {

	int run(final String[] args, final PrintStream out) throws UsageException, IOException {
		new Options(args, 1, Set.of());
		final ModelCatalog catalog = ModelCatalog.standard();
		final Map<Path, String> broken = new LinkedHashMap<>();
		final Map<String, Path> models = catalog.list(broken);
		if (models.isEmpty()) out.println("No models installed in " + catalog.roots() + ".");
		for (final Map.Entry<String, Path> e : models.entrySet()) {
			out.println("== " + e.getKey() + "  (" + e.getValue() + ")");
			out.println(ModelFolder.card(e.getValue()).toJson());
		}
		for (final Map.Entry<Path, String> e : broken.entrySet()) {
			out.println("!! " + e.getKey() + ": " + e.getValue());
		}
		if (!models.isEmpty()) {
			// What the default model of each restoration is on each kind of machine.
			for (final boolean gpu : new boolean[] { false, true }) {
				for (final String task : sc.fiji.diffusion.model.ModelCard.TASKS) {
					catalog.choose(ModelCatalog.AUTO, gpu, task, line -> out.println((gpu ? "On a GPU, " :
						"On the CPU, ") + task + ": " + line.substring(0, line.indexOf(';'))));
				}
			}
		}
		return 0;
	}
}
