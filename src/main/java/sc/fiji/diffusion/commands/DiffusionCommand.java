package sc.fiji.diffusion.commands;

import ai.djl.engine.EngineException;

import ij.IJ;
import ij.ImagePlus;
import ij.Macro;

import java.awt.GraphicsEnvironment;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CancellationException;

import org.scijava.app.StatusService;
import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.task.Task;
import org.scijava.task.TaskService;

/**
 * What every Diffusion-IJ command does around its work: checks the macro options (an unknown key is
 * an error listing the accepted ones, also in Fiji, which would ignore it), sets the plugin's class
 * loader for DJL, reports progress and honours cancel, and turns a failure into a message in the log
 * and, when there is a display, in a dialog, instead of a stack trace or a garbage image.
 */
public abstract class DiffusionCommand extends ContextCommand {

	@Parameter
	protected LogService log;

	@Parameter
	protected StatusService statusService;

	@Parameter(required = false)
	protected TaskService taskService;

	@Parameter
	protected DiffusionModelService models;

	/** The work of the command; messages of IllegalArgumentException and IOException reach the user. */
	protected abstract void work(Progress progress) throws IOException;

	/** The menu label, the last element of the plugin's menu path. */
	public static String label(final Class<?> command) {
		final Plugin p = command.getAnnotation(Plugin.class);
		final String path = p == null ? command.getSimpleName() : p.menuPath();
		return path.substring(path.lastIndexOf('>') + 1).trim();
	}

	@Override
	public final void run() {
		final String label = label(getClass());
		final ClassLoader old = Djl.usePluginClassLoader();
		final String options = Macro.getOptions();
		try {
			if (options != null) checkOptions(options);
			final Task task = taskService == null ? null : taskService.createTask(label);
			try (Progress progress = new Progress(label, statusService, task)) {
				work(progress);
				progress.succeeded();
			}
		}
		catch (final CancellationException e) {
			info(e.getMessage() == null ? label + " cancelled." : e.getMessage());
			cancel(e.getMessage());
			if (options != null) abortMacro();
		}
		catch (final IllegalArgumentException | IllegalStateException | IOException | EngineException e) {
			fail(label, e.getMessage() == null ? e.toString() : e.getMessage(), options != null);
			if (!(e instanceof IllegalArgumentException)) log.debug(e);
		}
		catch (final OutOfMemoryError e) {
			fail(label, "Java ran out of memory (" + Runtime.getRuntime().maxMemory() / (1 << 20) + " MB " +
				"allowed). Give ImageJ more in Edit > Options > Memory & Threads, or " + smallerWork() + ".",
				options != null);
		}
		catch (final RuntimeException e) {
			log.error(e);
			fail(label, "internal error (" + e + "); the details are in the console. Please report it " +
				"with the macro or the steps that led to it.", options != null);
		}
		finally {
			Thread.currentThread().setContextClassLoader(old);
		}
	}

	/** What to make smaller when memory runs out. */
	protected String smallerWork() {
		return "restore a smaller part (crop, or split the stack and restore it in parts)";
	}

	/**
	 * Stops the running ImageJ macro: a batch must not go on with the input as if it were a result
	 * (in Fiji this command runs on a SciJava thread while the macro waits for it).
	 */
	static void abortMacro() {
		ij.macro.Interpreter.abort();
	}

	/**
	 * Keys against this command's inputs, values against their types; an image named by title must
	 * be open.
	 */
	private void checkOptions(final String options) {
		MacroOptions.check(getClass(), label(getClass()), options);
		final Map<String, String> given = MacroOptions.parse(options);
		final Map<String, java.lang.reflect.Field> fields = MacroOptions.inputs(getClass());
		for (final Map.Entry<String, String> e : given.entrySet()) {
			// Fiji would silently keep the default for a value it cannot convert, and fall back to the
			// active image for a title it cannot find.
			MacroOptions.typed(e.getKey(), e.getValue(), fields.get(e.getKey()).getType());
		}
	}

	/** An input image, or a message that says what to do. */
	protected static ImagePlus requireImage(final ImagePlus imp, final String key) {
		if (imp == null) {
			throw new IllegalArgumentException("No image: open an image first (File > Open), or name one " +
				"with " + key + "=[title] in the macro.");
		}
		return imp;
	}

	protected void status(final String message) {
		statusService.showStatus(message);
		IJ.showStatus(message);
	}

	protected void info(final String message) {
		log.info(message);
		IJ.log(message);
	}

	private void fail(final String label, final String message, final boolean inMacro) {
		log.error(label + ": " + message);
		report(label, message);
		cancel(message);
		if (inMacro) abortMacro();
	}

	/**
	 * A message in ImageJ's log and, when ImageJ has a window, in a dialog (which also stops a running
	 * macro). Without a window (headless, {@code -batch}) a dialog would wait for nobody.
	 */
	static void report(final String label, final String message) {
		IJ.log(label + ": " + message);
		if (!GraphicsEnvironment.isHeadless() && IJ.getInstance() != null) IJ.error(label, message);
	}
}
