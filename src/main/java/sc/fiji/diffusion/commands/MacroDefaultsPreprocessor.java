package sc.fiji.diffusion.commands;

import ij.Macro;

import org.scijava.Priority;
import org.scijava.module.Module;
import org.scijava.module.ModuleItem;
import org.scijava.module.process.AbstractPreprocessorPlugin;
import org.scijava.module.process.PreprocessorPlugin;
import org.scijava.plugin.Plugin;

/**
 * In a macro, a key left out means its default, as in ImageJ 1.x. Fiji's imagej-legacy fills the
 * inputs named in the options (and the active image), then would show a dialog for the rest, which
 * stalls a batch; this marks the rest of a Diffusion-IJ command's inputs as given. It runs after
 * imagej-legacy's macro and active-image preprocessors and before the input harvester.
 */
@Plugin(type = PreprocessorPlugin.class, priority = Priority.LOW)
public class MacroDefaultsPreprocessor extends AbstractPreprocessorPlugin {

	@Override
	public void process(final Module module) {
		if (!(module.getDelegateObject() instanceof DiffusionCommand) || Macro.getOptions() == null) return;
		for (final ModuleItem<?> item : module.getInfo().inputs()) {
			if (!module.isInputResolved(item.getName())) module.resolveInput(item.getName());
		}
	}
}
