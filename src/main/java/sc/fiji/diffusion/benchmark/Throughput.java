package sc.fiji.diffusion.benchmark;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.Locale;
import java.util.function.Function;

import sc.fiji.diffusion.engine.Autograd;
import sc.fiji.diffusion.engine.Devices;
import sc.fiji.diffusion.engine.HostReads;
import sc.fiji.diffusion.engine.NetworkDenoiser;
import sc.fiji.diffusion.restore.Defaults;
import sc.fiji.diffusion.restore.TiledDenoiser;

/**
 * Per-evaluation throughput in the units of the PyTorch twin ({@code torch_unet.py}): megapixels of
 * network input per second, for a batch of windows of the model's patch alone, and for one tiled
 * evaluation of a large image as a restoration step makes it (cutting, the network, blending), where
 * the image's own megapixels per second are given too (windows overlap, so the network sees more
 * pixels than the image has). The throughput is timed as {@code torch_unet.py} times PyTorch: after
 * two warm-up runs, the repeats queued back to back and one wait for the device at the end, the
 * total divided by the repeats (a sampler's steps follow each other so, with no read-back between
 * them). The seconds of one evaluation waited for on its own (median of the repeats) are given
 * beside it. Windows per call 0 is what {@code tile 0} sends.
 */
public final class Throughput {

	private Throughput() {}

	/**
	 * Seconds of one evaluation of {@code batch} windows waited for, seconds per evaluation back to
	 * back, and the network input's Mpx/s (back to back).
	 */
	public static double[] network(final NetworkDenoiser model, final int batch, final int repeats) {
		final int w = TiledDenoiser.window(model, Defaults.Task.DENOISE);
		final Function<NDManager, NDArray[]> inputs = m -> new NDArray[] { m.randomNormal(new Shape(batch, 1,
			w, w)), m.full(new Shape(batch), 0.2f) };
		final Function<NDArray[], NDArray> evaluation = in -> model.denoise(in[0], in[1]);
		final double one = seconds(model, repeats, inputs, evaluation);
		final double each = backToBack(model, repeats, inputs, evaluation);
		return new double[] { one, each, (double) batch * w * w / each / 1e6 };
	}

	/**
	 * Seconds of one tiled evaluation of a side x side image with {@code batch} windows per call (0: as
	 * tile 0 sends) waited for, seconds per evaluation back to back, the network input's Mpx/s and the
	 * image's Mpx/s (back to back), and the windows per call.
	 */
	public static double[] step(final NetworkDenoiser model, final int side, final int batch,
		final int repeats)
	{
		final int perCall = batch > 0 ? batch : auto(model);
		try (NDManager cache = model.manager().newSubManager()) {
			final TiledDenoiser tiled = TiledDenoiser.of(model, cache, perCall, Defaults.Task.DENOISE);
			final int w = tiled.tile(), n = tiled.windows(side);
			final Function<NDManager, NDArray[]> inputs = m -> new NDArray[] { m.randomNormal(new Shape(1, 1,
				side, side)), m.create(new float[] { 0.2f }) };
			final Function<NDArray[], NDArray> evaluation = in -> tiled.denoise(in[0], in[1]);
			final double one = seconds(model, repeats, inputs, evaluation);
			final double each = backToBack(model, repeats, inputs, evaluation);
			return new double[] { one, each, (double) n * n * w * w / each / 1e6, (double) side * side / each /
				1e6, Math.min(perCall, n * n) };
		}
	}

	/** What tile 0 sends per call for denoising's windows (the budget is kept from the first call). */
	private static int auto(final NetworkDenoiser model) {
		return TiledDenoiser.windowsPerCall(model, Defaults.Task.DENOISE, sc.fiji.diffusion.restore.RestoreOptions
			.AUTO_TILE, 1, null);
	}

	/** A markdown table of both, at each batch of windows. */
	public static String table(final NetworkDenoiser model, final String name, final int side,
		final int[] batches, final int repeats)
	{
		final StringBuilder md = new StringBuilder("| model | what | windows per call | s, one evaluation waited " +
			"for | s per evaluation, " + repeats + " back to back | Mpx/s network input | Mpx/s image | device " +
			"memory in use after (MB) |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n");
		final ai.djl.Device device = model.manager().getDevice();
		final int w = TiledDenoiser.window(model, Defaults.Task.DENOISE);
		// Tile 0's budget from the free memory before the rows below fill PyTorch's cache, as a
		// restoration's first call sees it.
		final int auto = auto(model);
		for (final int b : batches) {
			if (b == 0) continue;
			final double[] n;
			try {
				n = network(model, b, repeats);
			}
			catch (final ai.djl.engine.EngineException e) {
				if (!Devices.outOfMemory(e)) throw e;
				md.append(String.format(Locale.ROOT, "| %s | network, %d windows of %d^2 | %d | out of memory | | | | |%n",
					name, b, w, b));
				continue;
			}
			md.append(String.format(Locale.ROOT, "| %s | network, %d windows of %d^2 | %d | %.4f | %.4f | %.2f | | %s |%n",
				name, b, w, b, n[0], n[1], n[2], memory(device)));
		}
		for (final int b : batches) {
			final double[] s;
			try {
				s = step(model, side, b, repeats);
			}
			catch (final ai.djl.engine.EngineException e) {
				if (!Devices.outOfMemory(e)) throw e;
				md.append(String.format(Locale.ROOT, "| %s | tiled evaluation of %d^2 | %s | out of memory | | | | |%n",
					name, side, b > 0 ? Integer.toString(b) : "0 (tile 0: " + auto + ")"));
				continue;
			}
			md.append(String.format(Locale.ROOT, "| %s | tiled evaluation of %d^2 | %s | %.4f | %.4f | %.2f | %.2f | %s |%n",
				name, side, b > 0 ? Integer.toString(b) : "0 (tile 0: " + (int) s[4] + ")", s[0], s[1], s[2], s[3],
				memory(device)));
		}
		return md.toString();
	}

	/**
	 * Seconds per evaluation with {@code repeats} evaluations queued back to back after two warm-ups,
	 * on inputs made (and on the device) before the clock starts, and one read-back at the end that
	 * waits for them all (the device runs them in order). Each evaluation runs on a copy of the inputs
	 * in a manager of its own, closed once the next is queued (PyTorch reuses freed memory in stream
	 * order), so that what one evaluation makes does not pile up over the repeats.
	 */
	public static double backToBack(final NetworkDenoiser model, final int repeats,
		final Function<NDManager, NDArray[]> inputs, final Function<NDArray[], NDArray> evaluation)
	{
		Autograd.off();
		try (NDManager m = model.manager().newSubManager()) {
			final NDArray[] in = inputs.apply(m);
			for (int r = 0; r < 2; r++) {
				try (NDManager one = m.newSubManager()) {
					HostReads.floats(evaluation.apply(copies(in, one)).sum());
				}
			}
			final long start = System.nanoTime();
			NDManager previous = null;
			NDArray last = null;
			for (int r = 0; r < repeats; r++) {
				final NDManager one = m.newSubManager();
				last = evaluation.apply(copies(in, one));
				if (previous != null) previous.close();
				previous = one;
			}
			HostReads.floats(last.sum());
			final double seconds = (System.nanoTime() - start) / 1e9 / repeats;
			previous.close();
			return seconds;
		}
	}

	/** Copies of the inputs in another manager (a copy on the device: microseconds beside an evaluation). */
	private static NDArray[] copies(final NDArray[] in, final NDManager to) {
		final NDArray[] out = new NDArray[in.length];
		for (int i = 0; i < in.length; i++) {
			out[i] = in[i].duplicate();
			out[i].attach(to);
		}
		return out;
	}

	/** GPU memory in use (CUDA's count: PyTorch's cache included, so the peak so far), or "-". */
	private static String memory(final ai.djl.Device device) {
		final long used = Devices.usedBytes(device);
		return used > 0 ? Long.toString(used >> 20) : "-";
	}

	/**
	 * Median wall time of an evaluation over {@code repeats} runs after two warm-ups, each on inputs
	 * made (and on the device) before its clock starts, each ended by a read-back that waits for the
	 * device (without it a GPU time would be launch time only).
	 */
	public static double seconds(final NetworkDenoiser model, final int repeats,
		final Function<NDManager, NDArray[]> inputs, final Function<NDArray[], NDArray> evaluation)
	{
		Autograd.off();
		final double[] t = new double[repeats];
		for (int r = -2; r < repeats; r++) {
			try (NDManager m = model.manager().newSubManager()) {
				final NDArray[] in = inputs.apply(m);
				// Inputs are made and on the device before the clock starts.
				HostReads.floats(in[0].get("0, 0, 0, 0"));
				final long start = System.nanoTime();
				HostReads.floats(evaluation.apply(in).sum());
				if (r >= 0) t[r] = (System.nanoTime() - start) / 1e9;
			}
		}
		return Metrics.median(t);
	}

	/** VmHWM of this process in MB (Linux: libtorch allocates outside the Java heap); -1 elsewhere. */
	public static long peakRssMegabytes() {
		try {
			for (final String line : java.nio.file.Files.readAllLines(java.nio.file.Paths.get("/proc/self/status"))) {
				if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
			}
		}
		catch (final java.io.IOException | NumberFormatException e) {
			// not Linux
		}
		return -1;
	}
}
