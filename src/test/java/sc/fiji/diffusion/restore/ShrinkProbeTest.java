package sc.fiji.diffusion.restore;

import ai.djl.Device;

import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import net.imglib2.img.array.ArrayImgs;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import sc.fiji.diffusion.benchmark.Classical;
import sc.fiji.diffusion.benchmark.HardHoles;
import sc.fiji.diffusion.benchmark.Metrics;
import sc.fiji.diffusion.engine.NetworkDenoiser;
import sc.fiji.diffusion.model.ModelFolder;

/**
 * Measurement, not a test (skipped unless -Dmeasure=true): the mean of K inpainting samples against
 * the same mean shrunk toward the first guess hole by hole ({@link Shrink}). Hard cases ({@code -Dcount=32}) or the quality
 * benchmark's images ({@code -Dbench=true -Dcount=8}); {@code -Dsamples=K}, {@code -Ddevice=gpu}.
 */
class ShrinkProbeTest {

	@Test
	void probe() throws Exception {
		Assumptions.assumeTrue(Boolean.getBoolean("measure"), "a measurement: -Dmeasure=true");
		final int count = Integer.getInteger("count", 32), k = Integer.getInteger("samples", 8);
		final boolean bench = Boolean.getBoolean("bench");
		final int n = bench ? 256 : 128;
		final List<HardHoles.Case> cases = new ArrayList<>();
		cases.addAll(bench ? sc.fiji.diffusion.benchmark.HardHolesProbeTest.bench(count) : HardHoles.cases(count, n, 4200));
		final Device device = "gpu".equals(System.getProperty("device")) ? Device.gpu() : Device.cpu();
		// The plain mean from the restoration, shrunk here at each strength (-Dstrengths=1,0.5,...).
		final double[] strengths = Arrays.stream(System.getProperty("strengths", "1").split(",")).mapToDouble(
			Double::parseDouble).toArray();
		final double[][] gain = new double[strengths.length + 1][cases.size()];
		final int[] lose = new int[strengths.length + 1], close = new int[strengths.length + 1];
		try (NetworkDenoiser model = ModelFolder.load(Paths.get(System.getProperty("model", "models/ddpm-fluo")), device)) {
			for (int i = 0; i < cases.size(); i++) {
				final HardHoles.Case c = cases.get(i);
				final float[] input = c.truth().clone();
				for (int p = 0; p < input.length; p++) if (c.hole()[p]) input[p] = Float.NaN;
				final double classical = Classical.bestInpaint(input, c.hole(), c.truth(), n, n).psnr();
				final RestoreOptions o = RestoreOptions.defaults(model, "ddpm", 50).withSamples(k, true).withSeed(i)
					.withStart(0.5);
				final Result r = Inpaint.run(ArrayImgs.floats(input.clone(), n, n), null, -1, new NoiseModel.Gaussian(0), o);
				final float[] mean = Planes.of(r.image()).plane(0), std = Planes.of(r.std()).plane(0);
				final float[] guess = Fill.firstGuess(input, n, n);
				final StringBuilder line = new StringBuilder(String.format(java.util.Locale.ROOT, "SHRINK case %d %s:", i,
					c.label()));
				for (int j = 0; j <= strengths.length; j++) {
					final float[] out = mean.clone();
					if (j > 0) Shrink.towardGuess(out, std, guess, 0, c.hole(), n, n, k, strengths[j - 1]);
					final HardHoles.Score sc = HardHoles.score(c, out);
					gain[j][i] = sc.psnr() - classical;
					if (gain[j][i] < 0) lose[j]++;
					if (sc.meanError() <= 0.02) close[j]++;
					line.append(String.format(java.util.Locale.ROOT, " %s %.2f (%+.2f, %.4f)", j == 0 ? "plain" : "c=" +
						strengths[j - 1], sc.psnr(), gain[j][i], sc.meanError()));
				}
				System.out.println(line);
			}
		}
		for (int j = 0; j <= strengths.length; j++) {
			final double[] g = gain[j].clone();
			Arrays.sort(g);
			System.out.printf("SHRINK K=%d %s median gain %+.2f worst %+.2f losing %d mean<=0.02 %d of %d%n", k, j == 0
				? "plain" : "c=" + strengths[j - 1], Metrics.median(gain[j]), g[0], lose[j], close[j], cases.size());
		}
	}
}
