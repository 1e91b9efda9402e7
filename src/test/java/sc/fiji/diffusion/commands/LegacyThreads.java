package sc.fiji.diffusion.commands;

import ij.ImagePlus;
import ij.Macro;

import java.util.Iterator;
import java.util.concurrent.atomic.AtomicReference;

import net.imagej.patcher.LegacyHooks;
import net.imagej.patcher.LegacyInjector;

import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;
import org.scijava.thread.ThreadService;

/**
 * A command run from a macro the way Fiji runs it, as far as the command's own macro-option check
 * is concerned: the macro thread ("Run$_...") sets the options and hands the command to SciJava's
 * CommandService, which runs it on a thread of its own. With {@code patched}, ImageJ 1.x is patched
 * by the real ij1-patcher (Fiji's patches: {@code Macro.getOptions()} asks the hooks for the
 * current thread's ancestors when the thread has no options of its own) and the hooks name as
 * ancestors the parents SciJava's ThreadService recorded, which is what imagej-legacy's hooks do.
 * With {@code plain}, ImageJ 1.x is unpatched. Prints {@code reason=} and {@code restored=}.
 * <p>
 * Arguments: {@code patched|plain}, the macro options. A JVM of its own, started with Fiji's
 * {@code --add-opens=java.base/java.lang=ALL-UNNAMED}: the patches must be in before any ImageJ
 * 1.x class is loaded, so this class names none ({@link Run} does the work).
 */
public final class LegacyThreads {

	private LegacyThreads() {}

	/** Hooks whose only change is imagej-legacy's thread ancestry. */
	static final class AncestorHooks extends LegacyHooks {

		private final ThreadService threads;

		AncestorHooks(final ThreadService threads) {
			this.threads = threads;
		}

		@Override
		public Iterable<Thread> getThreadAncestors() {
			final Thread start = Thread.currentThread();
			return () -> new Iterator<>() {

				private Thread next = threads.getParent(start);

				@Override
				public boolean hasNext() {
					return next != null && next != start;
				}

				@Override
				public Thread next() {
					final Thread t = next;
					next = threads.getParent(t);
					return t;
				}
			};
		}
	}

	public static void main(final String[] args) throws Exception {
		if (args[0].equals("patched")) LegacyInjector.preinit();
		Run.run(args[0].equals("patched"), args[1]);
	}

	private static final class Run {

	static void run(final boolean patched, final String options) throws Exception {
		final Context context = new Context();
		if (patched) {
			LegacyInjector.installHooks(LegacyThreads.class.getClassLoader(), new AncestorHooks(context
				.service(ThreadService.class)));
		}
		final ImagePlus imp = CommandsTest.noisy(64, 64, 1, 7);
		final AtomicReference<CommandModule> done = new AtomicReference<>();
		final AtomicReference<Throwable> failed = new AtomicReference<>();
		final Thread macro = new Thread(() -> {
			Macro.setOptions(options);
			try {
				done.set(context.service(CommandService.class).run(DenoiseCommand.class, true, "image", imp,
					"noise", "gaussian:20", "device", "CPU").get());
			}
			catch (final Exception e) {
				failed.set(e);
			}
			finally {
				Macro.setOptions(null);
			}
		}, "Run$_macro");
		macro.start();
		macro.join();
		if (failed.get() != null) failed.get().printStackTrace(System.out);
		final CommandModule m = done.get();
		System.out.println("reason=" + (m == null ? "no module" : m.getCancelReason()));
		final Object restored = m == null ? null : m.getOutput("restored");
		System.out.println("restored=" + (restored == null ? "none" : ((ImagePlus) restored).getTitle()));
		context.dispose();
		System.exit(0);
	}
	}
}
