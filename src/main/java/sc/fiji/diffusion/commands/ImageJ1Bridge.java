package sc.fiji.diffusion.commands;

import ij.IJ;
import ij.ImagePlus;
import ij.Macro;
import ij.WindowManager;
import ij.gui.GenericDialog;
import ij.plugin.PlugIn;

import java.lang.reflect.Field;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import org.scijava.Context;
import org.scijava.command.Command;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;
import org.scijava.module.ModuleItem;
import org.scijava.plugin.Parameter;

/**
 * Puts the commands into ImageJ 1.x's command table (through {@code plugins.config} in the plugin
 * jar) so that they run from menus and macros without Fiji's imagej-legacy. It reads the macro
 * options on ImageJ's thread, by the rule imagej-legacy applies (see {@link MacroOptions}), or shows
 * a dialog whose labels record the same keys, and runs the command through SciJava's
 * CommandService; the output images are shown. In Fiji, imagej-legacy takes over these labels (same
 * menu path, no second menu item) and this class is not used.
 */
public class ImageJ1Bridge implements PlugIn {

	private static Context own;

	@Override
	public void run(final String arg) {
		final Class<? extends Command> command;
		try {
			command = Class.forName(arg, true, ImageJ1Bridge.class.getClassLoader()).asSubclass(
				Command.class);
		}
		catch (final ClassNotFoundException | ClassCastException e) {
			IJ.error("Diffusion-IJ", "Not a Diffusion-IJ command: " + arg);
			return;
		}
		final String label = DiffusionCommand.label(command);
		final String options = Macro.getOptions();
		try {
			final Map<String, Object> inputs;
			if (options != null) {
				MacroOptions.check(command, label, options);
				inputs = fromOptions(command, options);
			}
			else {
				inputs = fromDialog(command, label);
				if (inputs == null) return;
			}
			final CommandModule module = context().service(CommandService.class).run(command, true,
				inputs).get();
			if (module.isCanceled()) {
				if (options != null) DiffusionCommand.abortMacro();
				return;
			}
			// In the declared order, as Fiji shows them: the main result last, so that it is active.
			for (final ModuleItem<?> item : module.getInfo().outputs()) {
				if (module.getOutput(item.getName()) instanceof ImagePlus imp) imp.show();
			}
		}
		catch (final IllegalArgumentException e) {
			DiffusionCommand.report(label, e.getMessage());
			if (options != null) DiffusionCommand.abortMacro();
		}
		catch (final InterruptedException e) {
			Thread.currentThread().interrupt();
			if (options != null) DiffusionCommand.abortMacro();
		}
		catch (final ExecutionException e) {
			IJ.handleException(e.getCause());
			if (options != null) DiffusionCommand.abortMacro();
		}
	}

	/** Fiji's context when imagej-legacy is there, else one of our own for the session. */
	static synchronized Context context() {
		if (own != null) return own;
		// SciJava finds its plugins through the context class loader: in ImageJ 1.x, the loader of
		// the plugins folder, not the application's.
		final ClassLoader old = Djl.usePluginClassLoader();
		try {
			Object fiji = null;
			try {
				Class.forName("net.imagej.legacy.LegacyService");
				fiji = IJ.runPlugIn("org.scijava.Context", "");
			}
			catch (final ClassNotFoundException e) {
				// plain ImageJ 1.x
			}
			// Kept for the session: Fiji's own context, or one made here (also when an inactive
			// imagej-legacy would hand out a new one per call).
			own = fiji instanceof Context c ? c : new Context();
			return own;
		}
		finally {
			Thread.currentThread().setContextClassLoader(old);
		}
	}

	/** Typed inputs from macro options; the image is the active one when not named. */
	static Map<String, Object> fromOptions(final Class<?> command, final String options) {
		final Map<String, Field> fields = MacroOptions.inputs(command);
		final Map<String, Object> inputs = new LinkedHashMap<>();
		for (final Map.Entry<String, String> e : MacroOptions.parse(options).entrySet()) {
			final Field f = fields.get(e.getKey());
			inputs.put(f.getName(), MacroOptions.typed(e.getKey(), e.getValue(), f.getType()));
		}
		for (final Field f : fields.values()) {
			if (f.getType() == ImagePlus.class && !inputs.containsKey(f.getName())) {
				final ImagePlus active = WindowManager.getCurrentImage();
				if (active != null) inputs.put(f.getName(), active);
			}
		}
		return inputs;
	}

	/**
	 * A dialog over the command's inputs, with their defaults; each label starts with the macro key,
	 * so ImageJ's recorder writes the keys this bridge and imagej-legacy read. Null when cancelled.
	 */
	private static Map<String, Object> fromDialog(final Class<? extends Command> command,
		final String label)
	{
		final Object defaults;
		try {
			defaults = command.getDeclaredConstructor().newInstance();
		}
		catch (final ReflectiveOperationException e) {
			throw new IllegalStateException(e);
		}
		final Map<String, Field> fields = MacroOptions.inputs(command);
		final GenericDialog gd = new GenericDialog(label);
		final StringBuilder help = new StringBuilder("<html><h3>" + label + "</h3><ul>");
		for (final Map.Entry<String, Field> e : fields.entrySet()) {
			final Field f = e.getValue();
			final Parameter p = f.getAnnotation(Parameter.class);
			final String name = Character.toUpperCase(e.getKey().charAt(0)) + e.getKey().substring(1);
			final Object v = value(f, defaults);
			if (f.getType() == ImagePlus.class) {
				if (WindowManager.getImageCount() == 0) {
					throw new IllegalArgumentException("No image open: open an image first (File > Open).");
				}
				gd.addImageChoice(name, WindowManager.getCurrentImage().getTitle());
			}
			// A choice, not a checkbox: ImageJ records checkboxes as a bare key, which Fiji does not read.
			else if (f.getType() == boolean.class) gd.addChoice(name, new String[] { "false", "true" }, String
				.valueOf(v));
			else if (p.choices().length > 0) gd.addChoice(name, p.choices(), String.valueOf(v));
			else if (v instanceof Number n) gd.addNumericField(name, n.doubleValue(), 0);
			else gd.addStringField(name, v == null ? "" : v.toString(), 16);
			if (!p.description().isEmpty()) help.append("<li><b>").append(e.getKey()).append("</b>: ")
				.append(p.description()).append("</li>");
		}
		gd.addHelp(help.append("</ul><p>Macro: run(\"").append(label).append(
			"\", \"key=value ...\") with the keys in bold.</p></html>").toString());
		gd.showDialog();
		if (gd.wasCanceled()) return null;
		final Map<String, Object> inputs = new LinkedHashMap<>();
		for (final Field f : fields.values()) {
			final Parameter p = f.getAnnotation(Parameter.class);
			final Object v;
			if (f.getType() == ImagePlus.class) v = gd.getNextImage();
			else if (f.getType() == boolean.class) v = Boolean.parseBoolean(gd.getNextChoice());
			else if (p.choices().length > 0) v = gd.getNextChoice();
			else if (f.getType() == int.class) v = (int) gd.getNextNumber();
			else if (f.getType() == long.class) v = (long) gd.getNextNumber();
			else if (f.getType() == double.class) v = gd.getNextNumber();
			else v = gd.getNextString();
			inputs.put(f.getName(), v);
		}
		return inputs;
	}

	private static Object value(final Field f, final Object instance) {
		try {
			f.setAccessible(true);
			return f.get(instance);
		}
		catch (final ReflectiveOperationException | RuntimeException e) {
			return null;
		}
	}
}
