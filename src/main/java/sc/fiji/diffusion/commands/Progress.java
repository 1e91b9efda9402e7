package sc.fiji.diffusion.commands;

import ij.IJ;

import java.util.concurrent.CancellationException;

import org.scijava.app.StatusService;
import org.scijava.task.Task;

import sc.fiji.diffusion.engine.Pace;
import sc.fiji.diffusion.engine.SamplingListener;

/**
 * Reports the work of one command (steps done, time left) to SciJava's status and task services and
 * to ImageJ's progress bar, and stops it when the task is cancelled, Esc is pressed in ImageJ or the
 * thread is interrupted: the next finished step throws {@link CancellationException}.
 */
final class Progress implements SamplingListener, AutoCloseable {

	private final String what;
	private final StatusService status;
	private final Task task;
	private final Pace pace = new Pace();
	private long lastShown;
	private boolean succeeded;

	Progress(final String what, final StatusService status, final Task task) {
		this.what = what;
		this.status = status;
		this.task = task;
		if (task != null) task.start();
		IJ.resetEscape();
		show(what + ": starting");
	}

	@Override
	public void stepDone(final int done, final int total) {
		checkCancelled();
		// Reported a few times a second, not at every step: SciJava delivers status and task events
		// on the UI thread and waits for them, which costs more than a small step, and an interrupt
		// that arrives during that wait is lost.
		final long now = System.nanoTime();
		if (now - lastShown > 200_000_000L || done >= total) {
			lastShown = now;
			if (task != null) {
				task.setProgressMaximum(total);
				task.setProgressValue(done);
			}
			if (status != null) status.showProgress(done, total);
			IJ.showProgress(done, total);
			show(what + ": " + pace.describe(done, total));
			checkCancelled();
		}
	}

	/** Throws {@link CancellationException} when the user asked to stop. */
	void checkCancelled() {
		if (task != null && task.isCanceled() || IJ.escapePressed() || Thread.currentThread()
			.isInterrupted())
		{
			throw new CancellationException(what + " cancelled.");
		}
	}

	private void show(final String message) {
		if (status != null) status.showStatus(message);
		IJ.showStatus(message);
		if (task != null) task.setStatusMessage(message);
	}

	/** The work finished: {@link #close()} says "done" instead of "stopped". */
	void succeeded() {
		succeeded = true;
	}

	@Override
	public void close() {
		if (task != null) task.finish();
		if (status != null) status.clearStatus();
		IJ.showProgress(1.0);
		show(what + (succeeded ? ": done in " : ": stopped after ") + Pace.duration(pace.seconds()));
	}
}
