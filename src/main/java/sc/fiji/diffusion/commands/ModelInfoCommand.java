package sc.fiji.diffusion.commands;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import sc.fiji.diffusion.model.ModelCatalog;

/**
 * Plugins > Diffusion > Diffusion Model Info: the installed models and where they were found, the
 * card of one (training record, validation PSNR), and the models held loaded, which release frees.
 */
@Plugin(type = Command.class, menuPath = "Plugins>Diffusion>Diffusion Model Info", headless = true)
public class ModelInfoCommand extends DiffusionCommand {

	@Parameter(label = "Model", persist = false, required = false, description = "Name or folder; " +
		"empty: list the installed models.")
	private String model = "";

	@Parameter(label = "Release", persist = false, description = "Unload every loaded model and free " +
		"its memory.")
	private boolean release = false;

	@Parameter(type = ItemIO.OUTPUT, label = "Model card")
	private String card;

	@Override
	protected void work(final Progress progress) throws IOException {
		final StringBuilder text = new StringBuilder();
		if (release) {
			text.append("Released: ").append(models.loadedModels()).append('\n');
			models.release();
		}
		final ModelCatalog catalog = models.catalog();
		if (model == null || model.isBlank()) {
			final Map<Path, String> broken = new LinkedHashMap<>();
			final Map<String, Path> all = catalog.list(broken);
			text.append("Models (searched ").append(catalog.roots()).append("):\n");
			all.forEach((name, dir) -> text.append("  ").append(name).append("  ").append(dir).append('\n'));
			broken.forEach((dir, why) -> text.append("  unreadable: ").append(dir).append(": ").append(why)
				.append('\n'));
			if (all.isEmpty()) text.append("  none: copy the models/ folder into Fiji.app/models\n");
		}
		else {
			text.append(catalog.resolve(model)).append('\n').append(models.card(model).toJson()).append('\n');
		}
		text.append("Loaded now: ").append(models.loadedModels());
		card = text.toString();
		info(card);
	}
}
