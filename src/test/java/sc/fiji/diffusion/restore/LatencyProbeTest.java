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
 * -Drepeats=3}.
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
				final int perCall = TiledDenoiser.windowsPerCall(model, 0, 4, null);
				try (NDManager m = model.manager().newSubManager()) {
					final double sigmaY = 0.1 * norm.scale();
					final NDArray y = Stacks.toDevice(m, planes, new int[] { 0 }, n, n, norm, sigmaY);
					HostReads.floats(y.get("0, 0, 0, 0"));
					t[3] = System.nanoTime();
					final TiledDenoiser tiled = TiledDenoiser.of(model, m, perCall);
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
}
