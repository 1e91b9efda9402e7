package sc.fiji.diffusion.benchmark;

import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;

import ai.djl.Device;
import net.imglib2.img.array.ArrayImgs;
import org.junit.jupiter.api.Test;
import sc.fiji.diffusion.engine.NetworkDenoiser;
import sc.fiji.diffusion.model.ModelFolder;
import sc.fiji.diffusion.restore.Inpaint;
import sc.fiji.diffusion.restore.NoiseModel;
import sc.fiji.diffusion.restore.Planes;
import sc.fiji.diffusion.restore.RestoreOptions;

/**
 * A measurement, not a test (skipped unless {@code -Dmeasure=true}): inpainting of {@link HardHoles}
 * cases (or with {@code -Dfactor=2|4} super-resolution of their scenes, beside bicubic) with settings
 * given as {@code -Dconfigs=STEPS:SAMPLES:RESAMPLE:START,...} (START the first guess's noise level, 0
 * from pure noise, {@code auto} the default's), per case and median, beside the better classical fill; {@code -Ddevice=gpu}
 * runs on the GPU. Run: {@code mvn test -Dtest=HardHolesProbeTest -Dmeasure=true
 * -Dconfigs=50:1:1,20:4:1 -Dcount=16 -Dsize=128 -Dai.djl.offline=true}.
 */
@org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "measure", matches = "true")
public class HardHolesProbeTest {

	/** The quality benchmark's inpainting images (-Dbench=true): its scenes and holes, 256 x 256. */
	public static List<HardHoles.Case> bench(final int count) {
		final QualityBenchmark.Settings s = new QualityBenchmark.Settings(count, 256, 0.1, 0, 0, 9000, java.util.Set.of("inpaint"));
		final List<HardHoles.Case> out = new java.util.ArrayList<>();
		for (int i = 0; i < count; i++) out.add(new HardHoles.Case("benchmark image " + i, QualityBenchmark.truth(s, i), QualityBenchmark.holes(i, 256, s.seed() * 17 + i), 256, HardHoles.Place.EDGE));
		return out;
	}

	/** The 64 x 64 window centred on the hole (clamped to the image). */
	static HardHoles.Case crop(final HardHoles.Case c) {
		final int n = c.size();
		int x0 = n, y0 = n, x1 = 0, y1 = 0;
		for (int i = 0; i < n * n; i++) if (c.hole()[i]) { x0 = Math.min(x0, i % n); x1 = Math.max(x1, i % n); y0 = Math.min(y0, i / n); y1 = Math.max(y1, i / n); }
		final int cx = Math.max(0, Math.min(n - 64, (x0 + x1) / 2 - 32)), cy = Math.max(0, Math.min(n - 64, (y0 + y1) / 2 - 32));
		final float[] t = new float[64 * 64];
		final boolean[] h = new boolean[64 * 64];
		for (int y = 0; y < 64; y++) for (int x = 0; x < 64; x++) { t[y * 64 + x] = c.truth()[(cy + y) * n + cx + x]; h[y * 64 + x] = c.hole()[(cy + y) * n + cx + x]; }
		return new HardHoles.Case(c.label(), t, h, 64, c.place());
	}

	@Test
	void probe() throws Exception {
		final int count = Integer.getInteger("count", 16);
		final int n = Boolean.getBoolean("bench") ? 256 : Boolean.getBoolean("crop") ? 64 : Integer.getInteger("size", 128);
		final List<HardHoles.Case> all = HardHoles.cases(count, Integer.getInteger("size", 128), 4200);
		final List<HardHoles.Case> listed = Boolean.getBoolean("bench") ? bench(count) : Boolean.getBoolean("crop") ? all.stream().map(HardHolesProbeTest::crop).toList() : all;
		// -Donly=I,J,...: those cases only (their numbers in the full list).
		final List<HardHoles.Case> cases = System.getProperty("only") == null ? listed : Arrays.stream(System
			.getProperty("only").split(",")).map(k -> listed.get(Integer.parseInt(k.trim()))).toList();
		final Device device = "gpu".equals(System.getProperty("device")) ? Device.gpu() : Device.cpu();
		final int factor = Integer.getInteger("factor", 1);
		// -Dprecision=auto|float|half|bfloat16 (default float).
		try (NetworkDenoiser model = ModelFolder.load(Paths.get(System.getProperty("model", "models/ddpm-fluo")), device,
			sc.fiji.diffusion.engine.Precision.choose(System.getProperty("precision", "float"), device))) {
			final double[] classical = new double[cases.size()];
			for (int i = 0; i < cases.size(); i++) {
				final HardHoles.Case c = cases.get(i);
				final float[] input = c.truth().clone();
				for (int k = 0; k < input.length; k++) if (c.hole()[k]) input[k] = Float.NaN;
				if (factor == 1) {
					final HardHoles.Score cs = HardHoles.score(c, Classical.bestInpaint(input, c.hole(), c.truth(), n, n).image());
					System.out.printf("PROBE classical case %d meanErr %.4f ring %.4f interior %.4f%n", i, cs.meanError(), cs.ringRms(), cs.interiorRms());
				}
				classical[i] = factor == 1 ? Classical.bestInpaint(input, c.hole(), c.truth(), n, n).psnr()
					: Classical.bestUpsample(QualityBenchmark.bin(c.truth(), n, factor), c.truth(), n / factor, n / factor, factor).psnr();
				System.out.printf("PROBE case %d %s classical %.2f%n", i, c.label(), classical[i]);
			}
			for (final String config : System.getProperty("configs", "50:1:1").split(",")) {
				final String[] parts = config.split(":");
				final int[] v = Arrays.stream(parts).limit(3).mapToInt(Integer::parseInt).toArray();
				// START "auto": the task's default start (by the holes' depth for inpainting).
				final double start = parts.length < 4 ? 0 : parts[3].equals("auto") ? RestoreOptions.DEFAULT_START
					: Double.parseDouble(parts[3]);
				final double[] psnr = new double[cases.size()], gain = new double[cases.size()], meanErr = new double[cases.size()];
				int ringWorse = 0;
				final long t0 = System.nanoTime();
				for (int i = 0; i < cases.size(); i++) {
					final HardHoles.Case c = cases.get(i);
					final float[] input = c.truth().clone();
					for (int k = 0; k < input.length; k++) if (c.hole()[k]) input[k] = Float.NaN;
					final RestoreOptions o = RestoreOptions.defaults(model, "ddpm", v[0]).withSamples(v[1], false)
						.withResample(v[2]).withSeed(i).withStart(start);
					final float[] out = factor == 1 ? Planes.of(Inpaint.run(ArrayImgs.floats(input, n, n), null, -1, new NoiseModel.Gaussian(0), o).image()).plane(0)
						: Planes.of(sc.fiji.diffusion.restore.SuperResolve.run(ArrayImgs.floats(QualityBenchmark.bin(c.truth(), n, factor), n / factor, n / factor), factor, -1, new NoiseModel.Gaussian(0), o).image()).plane(0);
					final HardHoles.Score s = factor == 1 ? HardHoles.score(c, out) : new HardHoles.Score(Metrics.psnr(out, c.truth(), 1), 0, 0, 0);
					if (System.getProperty("figures") != null) {
						Figure.write(Paths.get(System.getProperty("figures"), "case-" + config.replace(':', '-') + "-" + i + ".png"), new String[] { "input", "ours", "truth" },
							new float[][] { input, out, c.truth() }, new double[][] { { 0, 1 }, { 0, 1 }, { 0, 1 } }, n, n);
					}
					psnr[i] = s.psnr();
					gain[i] = s.psnr() - classical[i];
					meanErr[i] = s.meanError();
					if (s.ringRms() > s.interiorRms()) ringWorse++;
					System.out.printf("PROBE %s case %d psnr %.2f gain %+.2f meanErr %.4f ring %.4f interior %.4f%n", config, i, s.psnr(), gain[i], s.meanError(), s.ringRms(), s.interiorRms());
				}
				Arrays.sort(gain);
				System.out.printf("PROBE %s median psnr %.2f median gain %+.2f worst gain %+.2f max meanErr %.4f ring>interior %d/%d %.1f s%n", config, Metrics.median(psnr), Metrics.median(gain), gain[0],
					Arrays.stream(meanErr).max().getAsDouble(), ringWorse, cases.size(), (System.nanoTime() - t0) / 1e9);
			}
		}
	}
}
