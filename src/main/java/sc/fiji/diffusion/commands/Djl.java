package sc.fiji.diffusion.commands;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.util.Utils;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.stream.Stream;

import sc.fiji.diffusion.engine.Devices;

/**
 * DJL inside Fiji: its engine and natives are found through the thread's context class loader, which
 * in Fiji is not the plugin's; and its first start on a GPU machine downloads PyTorch's CUDA
 * libraries (several GB), which must show progress instead of a frozen dialog.
 */
final class Djl {

	/** The device and precision choices offered by the commands (macro values are case-insensitive). */
	static final String AUTO = "Auto", CPU = "CPU", GPU = "GPU", FLOAT = "Float", HALF = "Half",
		BFLOAT16 = "BFloat16";

	/**
	 * What the precision parameter says: auto is half on a GPU, and on the CPU bfloat16 where the
	 * processor computes it natively, else float.
	 */
	static final String PRECISION_HELP = "Number type of the network: Auto (half on a GPU: faster, " +
		"half the memory; on the CPU BFloat16 where the processor computes it natively, about twice as " +
		"fast, else Float), Float, Half (GPU only) or BFloat16.";

	private static volatile boolean started;

	private Djl() {}

	/** Sets the context class loader to the plugin's (for DJL and SciJava); restore the returned one. */
	static ClassLoader usePluginClassLoader() {
		final Thread t = Thread.currentThread();
		final ClassLoader old = t.getContextClassLoader();
		t.setContextClassLoader(Djl.class.getClassLoader());
		return old;
	}

	/**
	 * Starts PyTorch (reporting a download in progress every few seconds) and chooses the device.
	 *
	 * @throws IllegalArgumentException for GPU on a machine without one, with what to do
	 */
	static Device device(final String choice, final Consumer<String> status,
		final Consumer<String> log)
	{
		if (!started) start(status);
		return Devices.choose(choice, log);
	}

	private static synchronized void start(final Consumer<String> status) {
		if (started) return;
		status.accept("Starting PyTorch (the first start on a GPU machine downloads several GB)");
		try (Watch watch = watchDownload(Utils.getEngineCacheDir("pytorch"), status, 2000)) {
			Engine.getEngine("PyTorch");
			started = true;
		}
	}

	/**
	 * Reports every {@code millis} how much a download folder has grown, until closed: DJL shows no
	 * progress of its own for the libraries it fetches on first use.
	 */
	static Watch watchDownload(final Path cache, final Consumer<String> status,
		final long millis)
	{
		final long before = size(cache);
		final Thread watcher = new Thread(() -> {
			try {
				while (!Thread.currentThread().isInterrupted()) {
					Thread.sleep(millis);
					final long grown = size(cache) - before;
					if (grown > 1 << 20) {
						status.accept(String.format(Locale.ROOT, "Downloading PyTorch for DJL into %s: %.2f GB " +
							"so far (first use only; see README 'GPU' for an offline install)", cache, grown / 1e9));
					}
				}
			}
			catch (final InterruptedException e) {
				// loading finished
			}
		}, "Diffusion-IJ engine download");
		watcher.setDaemon(true);
		watcher.start();
		return watcher::interrupt;
	}

	/** Stops a {@link #watchDownload}. */
	interface Watch extends AutoCloseable {

		@Override
		void close();
	}

	private static long size(final Path dir) {
		if (!Files.isDirectory(dir)) return 0;
		try (Stream<Path> files = Files.walk(dir)) {
			return files.filter(Files::isRegularFile).mapToLong(p -> {
				try {
					return Files.size(p);
				}
				catch (final IOException e) {
					return 0;
				}
			}).sum();
		}
		catch (final IOException | java.io.UncheckedIOException e) {
			return 0;
		}
	}
}
