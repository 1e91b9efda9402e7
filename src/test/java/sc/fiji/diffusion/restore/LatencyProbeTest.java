package sc.fiji.diffusion.restore;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.nio.file.Paths;
import java.util.List;
import java.util.Locale;

import net.imglib2.img.array.ArrayImgs;
import org.junit.jupiter.api.Test;
import sc.fiji.diffusion.engine.HostReads;
import sc.fiji.diffusion.engine.NetworkDenoiser;
import sc.fiji.diffusion.engine.data.SyntheticScenes;
import sc.fiji.diffusion.model.ModelFolder;

/**
 * A measurement, not a test (skipped unless {@code -Dmeasure=true}): where the time of a warm
 * posterior-mean denoising of a large image goes, phase by phase (host reads and conversions, the
 * normalization, the copy to the device, the tiled evaluation, the read-back, the mapping back), beside
 * the whole {@link Denoise#run}. {@code -Dsize=2048 -Ddevice=gpu -Dmodel=models/ddpm-fluo-large
 * -Drepeats=3}. {@code stackAgainstSinglePlanes} (with {@code -Dplanes=100 -Dside=512}) times a stack
 * of planes beside the same planes restored one at a time, warm, with the process's peak resident
 * memory.
 */
@org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "measure", matches = "true")
class LatencyProbeTest {

	@Test
	void probe() throws Exception {
		final int n = Integer.getInteger("size", 2048), repeats = Integer.getInteger("repeats", 3);
		final Device device = "gpu".equals(System.getProperty("device")) ? Device.gpu() : Device.cpu();
		final float[] truth = SyntheticScenes.scene(SyntheticScenes.Kind.CYTOPLASM, n, n, 8999);
		final float[] noisy = truth.clone();
		final java.util.SplittableRandom r = new java.util.SplittableRandom(1);
		for (int k = 0; k < noisy.length; k++) noisy[k] += (float) (0.1 * r.nextGaussian());
		try (NetworkDenoiser model = ModelFolder.load(Paths.get(System.getProperty("model",
			"models/ddpm-fluo")), device))
		{
			final RestoreOptions o = RestoreOptions.defaults(model, "ddpm", 0);
			for (int rep = 0; rep < repeats + 1; rep++) {
				final long[] t = new long[9];
				t[0] = System.nanoTime();
				final Planes in = Planes.of(ArrayImgs.floats(noisy.clone(), n, n));
				final List<float[]> planes = List.of(in.plane(0));
				t[1] = System.nanoTime();
				final List<float[]> stats = Stacks.statistics(planes, Double.NaN, "", new java.util.ArrayList<>());
				final Normalization norm = Normalization.of(stats);
				t[2] = System.nanoTime();
				final int perCall = TiledDenoiser.windowsPerCall(model, Defaults.Task.DENOISE, 0, 4, null);
				try (NDManager m = model.manager().newSubManager()) {
					final double sigmaY = 0.1 * norm.scale();
					final NDArray y = Stacks.toDevice(m, planes, new int[] { 0 }, n, n, norm, sigmaY);
					HostReads.floats(y.get("0, 0, 0, 0"));
					t[3] = System.nanoTime();
					final TiledDenoiser tiled = TiledDenoiser.of(model, m, perCall, Defaults.Task.DENOISE);
					final NDArray mean = Posterior.mean(tiled, y, sigmaY, model.schedule());
					HostReads.floats(mean.get("0, 0, 0, 0"));
					t[4] = System.nanoTime();
					final float[] host = HostReads.floats(mean);
					t[5] = System.nanoTime();
					final float[] out = new float[n * n];
					for (int i = 0; i < out.length; i++) out[i] = (float) norm.fromModel(host[i]);
					t[6] = System.nanoTime();
				}
				Denoise.run(ArrayImgs.floats(noisy.clone(), n, n), -1, new NoiseModel.Gaussian(0.1), o);
				t[7] = System.nanoTime();
				if (rep == 0) continue;
				final String[] names = { "planes", "statistics+normalization", "to device", "tiled evaluation",
					"read back", "map back", "whole Denoise.run" };
				final StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "LATENCY %d^2 %s %d windows/call:",
					n, device, perCall));
				for (int k = 0; k < names.length; k++) s.append(String.format(Locale.ROOT, " %s %.3f s;", names[k],
					(t[k + 1] - t[k]) / 1e9));
				System.out.println(s);
			}
		}
	}

	@Test
	void stackAgainstSinglePlanes() throws Exception {
		final int planes = Integer.getInteger("planes", 0), n = Integer.getInteger("side", 512);
		if (planes < 1) return;
		final float[] stack = noisyStack(planes, n);
		try (NetworkDenoiser model = model())
		{
			final Device device = model.manager().getDevice();
			final RestoreOptions o = RestoreOptions.defaults(model, "ddpm", 0);
			final NoiseModel noise = new NoiseModel.Gaussian(0.1);
			// Warm-up, then the planes one at a time, then the stack.
			Denoise.run(ArrayImgs.floats(java.util.Arrays.copyOf(stack, n * n), n, n), -1, noise, o);
			long t0 = System.nanoTime();
			for (int p = 0; p < planes; p++) {
				Denoise.run(ArrayImgs.floats(java.util.Arrays.copyOfRange(stack, p * n * n, (p + 1) * n * n), n,
					n), -1, noise, o);
			}
			final double single = (System.nanoTime() - t0) / 1e9 / planes;
			// -DstackRuns=N: the stack N times (the network's first calls of a new shape are slower).
			for (int run = 0; run < Integer.getInteger("stackRuns", 1); run++) {
				t0 = System.nanoTime();
				Denoise.run(ArrayImgs.floats(stack.clone(), n, n, planes), -1, noise, o);
				final double together = (System.nanoTime() - t0) / 1e9 / planes;
				System.out.println(String.format(Locale.ROOT, "STACK %d planes of %d^2 on %s: one at a time %.4f s " +
					"per plane, as a stack %.4f s per plane (%.2fx); stack %.0f MB; device memory in use %d MB; peak " +
					"resident %d MB", planes, n, device, single, together, single / together, stack.length * 4.0 / (1 <<
						20), sc.fiji.diffusion.engine.Devices.usedBytes(device) >> 20, sc.fiji.diffusion.benchmark.Throughput
							.peakRssMegabytes()));
			}
			if (Boolean.getBoolean("phases")) phases(model, stack, planes, n, noise, o, device);
		}
	}

	/**
	 * The stack's walk phase by phase ({@code -Dphases=true} beside {@code stackAgainstSinglePlanes}),
	 * as {@link Stacks#restore} goes: the planes read, statistics and setup, then per chunk the copy to
	 * the device, the evaluation queued, the read back (waiting for the device) and the mapping back;
	 * the whole {@link Denoise#run} of the same stack after each.
	 */
	private static void phases(final NetworkDenoiser model, final float[] stack, final int planes,
		final int n, final NoiseModel noise, final RestoreOptions o, final Device device)
	{
		for (int run = 0; run < Integer.getInteger("stackRuns", 1); run++) {
			final long[] t = new long[8];
			final long start = System.nanoTime();
			final Planes in = Planes.of(ArrayImgs.floats(stack, n, n, planes));
			final List<float[]> all = new java.util.ArrayList<>();
			for (int p = 0; p < in.count(); p++) all.add(in.plane(p));
			t[0] = System.nanoTime() - start;
			long s0 = System.nanoTime();
			final List<float[]> stats = Stacks.statistics(all, in.typeMax(), "", new java.util.ArrayList<>());
			Stacks.missing(all);
			final ChannelSetup setup = ChannelSetup.of(stats, n, n, noise, Defaults.Task.DENOISE);
			t[1] = System.nanoTime() - s0;
			final Normalization norm = setup.normalization();
			final double sigmaY = 0.1 * norm.scale();
			final Normalization.Mapping map = norm.at(sigmaY);
			final int perCall = TiledDenoiser.windowsPerCall(model, Defaults.Task.DENOISE, 0, 4, null);
			final int[] channel = new int[planes];
			for (int p = 0; p < planes; p++) channel[p] = p;
			for (final int[] chunk : Stacks.chunks(channel, n, n)) {
				try (NDManager m = model.manager().newSubManager()) {
					s0 = System.nanoTime();
					final NDArray y = Stacks.toDevice(m, all, chunk, n, n, norm, sigmaY);
					t[2] += System.nanoTime() - s0;
					s0 = System.nanoTime();
					final NDArray mean = Posterior.mean(TiledDenoiser.of(model, m, perCall, Defaults.Task.DENOISE), y, sigmaY, model
						.schedule());
					t[3] += System.nanoTime() - s0;
					s0 = System.nanoTime();
					final float[] host = HostReads.floats(mean);
					t[4] += System.nanoTime() - s0;
					s0 = System.nanoTime();
					java.util.stream.IntStream.range(0, chunk.length).parallel().forEach(k -> {
						final float[] out = new float[n * n];
						for (int i = 0; i < out.length; i++) out[i] = map.fromModel(host[k * n * n + i]);
					});
					t[5] += System.nanoTime() - s0;
				}
			}
			t[6] = System.nanoTime() - start;
			s0 = System.nanoTime();
			Denoise.run(ArrayImgs.floats(stack, n, n, planes), -1, noise, o);
			t[7] = System.nanoTime() - s0;
			final String[] names = { "planes", "statistics+setup", "to device", "evaluation queued",
				"read back (waits)", "map back", "walk", "whole Denoise.run" };
			final StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "PHASES %d x %d^2 %s %d windows/call, ms per plane:",
				planes, n, device, perCall));
			for (int k = 0; k < names.length; k++) b.append(String.format(Locale.ROOT, " %s %.2f;", names[k], t[k] / 1e6 / planes));
			System.out.println(b);
		}
	}

	/** Planes of the five kinds in turn, Gaussian noise 0.1, as one array. */
	private static float[] noisyStack(final int planes, final int n) {
		final float[] stack = new float[planes * n * n];
		final java.util.SplittableRandom r = new java.util.SplittableRandom(2);
		for (int p = 0; p < planes; p++) {
			final float[] scene = SyntheticScenes.scene(SyntheticScenes.Kind.values()[p % SyntheticScenes.Kind
				.values().length], n, n, 100 + p);
			for (int i = 0; i < scene.length; i++) stack[p * n * n + i] = scene[i] + (float) (0.1 * r.nextGaussian());
		}
		return stack;
	}

	/** -Dmodel (default models/ddpm-fluo) on -Ddevice=gpu or the CPU. */
	private static NetworkDenoiser model() throws java.io.IOException {
		final Device device = "gpu".equals(System.getProperty("device")) ? Device.gpu() : Device.cpu();
		return ModelFolder.load(Paths.get(System.getProperty("model", "models/ddpm-fluo")), device);
	}
}
