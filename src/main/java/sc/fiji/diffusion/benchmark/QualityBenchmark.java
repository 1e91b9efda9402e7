package sc.fiji.diffusion.benchmark;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

import net.imglib2.img.array.ArrayImgs;

import sc.fiji.diffusion.engine.NetworkDenoiser;
import sc.fiji.diffusion.engine.data.SceneSettings;
import sc.fiji.diffusion.engine.data.SyntheticScenes;
import sc.fiji.diffusion.engine.data.WideScenes;
import sc.fiji.diffusion.restore.Defaults;
import sc.fiji.diffusion.restore.Denoise;
import sc.fiji.diffusion.restore.Inpaint;
import sc.fiji.diffusion.restore.NoiseModel;
import sc.fiji.diffusion.restore.Planes;
import sc.fiji.diffusion.restore.RestoreOptions;
import sc.fiji.diffusion.restore.Result;
import sc.fiji.diffusion.restore.SuperResolve;

/**
 * Quality of the three restorations on held-out synthetic scenes with ground truth (data range 1),
 * beside classical methods tuned per image against that truth (an oracle: the comparison is hard on
 * us). Writes a Markdown table and one figure per task; also times each task on a 512 x 512 image.
 */
public final class QualityBenchmark {

	/**
	 * @param count held-out scenes per task
	 * @param size scene side in pixels
	 * @param noise Gaussian noise sigma of the denoising task (data range 1)
	 * @param steps sampler steps of inpainting and super-resolution
	 * @param samples posterior samples: their mean is our inpainting and super-resolution result
	 *          (an estimate of the posterior mean, the MMSE estimate), their standard deviation the
	 *          figures' uncertainty panels
	 * @param tasks which of {@link #TASKS} to run
	 * @param scenes where the four restoration tasks' scenes come from: {@link #FIVE_KINDS} (the first
	 *          models' training kinds) or {@link #HELD_OUT} (all eight kinds of the wide world, drawn
	 *          with the settings held out from its training); the hard cases are fixed either way
	 */
	public record Settings(int count, int size, double noise, int steps, int samples, long seed,
		Set<String> tasks, String scenes)
	{

		public Settings(final int count, final int size, final double noise, final int steps,
			final int samples, final long seed, final Set<String> tasks)
		{
			this(count, size, noise, steps, samples, seed, tasks, FIVE_KINDS);
		}

		public Settings {
			if (!SCENES.contains(scenes)) {
				throw new IllegalArgumentException("Unknown scenes '" + scenes + "': use " + String.join(
					" or ", SCENES) + ".");
			}
			for (final String t : tasks) {
				if (!TASKS.contains(t)) {
					throw new IllegalArgumentException("Unknown task '" + t + "': use " + String.join(", ",
						TASKS) + ".");
				}
			}
		}
	}

	/** The report's parts: the four restoration tasks (with their figures) and the speed table. */
	public static final List<String> TASKS = List.of("denoise", "inpaint", "super-resolve-2",
		"super-resolve-4", "inpaint-hard", "speed");

	/** The scene sources of {@link Settings#scenes}. */
	public static final String FIVE_KINDS = "five-kinds", HELD_OUT = "held-out";
	public static final List<String> SCENES = List.of(FIVE_KINDS, HELD_OUT);

	/** Cases of the hard inpainting task: every source, place and block size once. */
	static final int HARD_CASES = 32, HARD_SIZE = 128;
	/** Seed of the hard cases' scenes, fixed: the cases are the same whatever --seed says. */
	static final long HARD_SEED = 4200;

	/** Per-image scores of one task. */
	private static final class Row {

		final String task;
		final double[] ours, classical, oursSsim, classicalSsim;
		final List<String> winners = new ArrayList<>();
		double seconds;

		Row(final String task, final int count) {
			this.task = task;
			ours = new double[count];
			classical = new double[count];
			oursSsim = new double[count];
			classicalSsim = new double[count];
		}

		/** Scores image i; PSNR over {@code where} when given (inpainting's holes), else everywhere. */
		void score(final int i, final float[] out, final Classical.Best best, final float[] truth,
			final int n, final boolean[] where, final double secondsOurs, final PrintStream log)
		{
			ours[i] = where == null ? Metrics.psnr(out, truth, 1) : Metrics.psnr(out, truth, 1, where);
			classical[i] = best.psnr();
			oursSsim[i] = Metrics.ssim(out, truth, n, n, 1);
			classicalSsim[i] = Metrics.ssim(best.image(), truth, n, n, 1);
			winners.add(best.method());
			seconds += secondsOurs / ours.length;
			log.printf(Locale.ROOT, "%s %d: ours %.2f dB, %s %.2f dB%n", task, i, ours[i], best.method(),
				classical[i]);
		}
	}

	private QualityBenchmark() {}

	/** Runs everything; returns the Markdown report (also written to docs/quality.md). */
	public static String run(final NetworkDenoiser model, final String modelName, final Settings s,
		final Path docs, final String command, final PrintStream log) throws IOException
	{
		final List<Row> rows = new ArrayList<>();
		if (s.tasks().contains("denoise")) rows.add(denoise(model, s, docs, log));
		if (s.tasks().contains("inpaint")) rows.add(inpaint(model, s, docs, log));
		if (s.tasks().contains("super-resolve-2")) rows.add(superResolve(model, s, 2, docs, log));
		if (s.tasks().contains("super-resolve-4")) rows.add(superResolve(model, s, 4, docs, log));
		final StringBuilder hard = new StringBuilder();
		if (s.tasks().contains("inpaint-hard")) rows.add(hardHoles(model, s, docs, log, hard));
		final StringBuilder md = new StringBuilder();
		md.append("# Restoration quality\n\n");
		md.append(String.format(Locale.ROOT, "Model `%s`; %d held-out synthetic scenes of %d x %d per " +
			"task (seeds %d..%d, %s), data range 1. Classical methods are tuned per image " +
			"against the truth (an oracle). Denoising: Gaussian noise sigma %.2f, our posterior mean. " +
			"Inpainting (lines, blocks, scattered pixels; PSNR inside the holes) and super-resolution " +
			"(block-mean binning, noiseless): %s.%n%n", modelName, s.count(), s.size(), s.size(), s.seed(), s
				.seed() + s.count() - 1, HELD_OUT.equals(s.scenes()) ? "the eight kinds of the wide world " +
					"drawn with its held-out settings (PSF sigma " + SceneSettings.HELD_OUT_PSF_SIGMA + " px, density x" +
					SceneSettings.HELD_OUT_DENSITY + "), each mapped to [0, 1]" : "all five kinds", s.noise(), (s.samples() == 0 && s.steps() == 0 ? "the default estimate, " : "") + estimates(model, s)));
		md.append("| task | ours: median PSNR (dB) | best classical: median PSNR (dB) | difference (dB) " +
			"| ours: median SSIM | classical: median SSIM | classical winners | ours: s per image |\n");
		md.append("| --- | --- | --- | --- | --- | --- | --- | --- |\n");
		for (final Row r : rows) {
			md.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f | %+.2f | %.3f | %.3f | %s | %.1f |%n",
				r.task, median(r.ours), median(r.classical), median(r.ours) - median(r.classical), median(
				r.oursSsim), median(r.classicalSsim), String.join(", ", new java.util.TreeSet<>(r.winners)),
				r.seconds));
		}
		md.append("\nPer image, PSNR ours / best classical (dB); scene kinds in order, hole shapes for " +
			"inpainting: lines, blocks, scattered, lines, blocks:\n\n| task |");
		for (int i = 0; i < s.count(); i++) md.append(" image ").append(i).append(" |");
		md.append("\n| --- |").append(" --- |".repeat(s.count())).append('\n');
		for (final Row r : rows) {
			if (r.ours.length != s.count()) continue;
			md.append("| ").append(r.task).append(" |");
			for (int i = 0; i < s.count(); i++) {
				md.append(String.format(Locale.ROOT, " %.2f / %.2f |", r.ours[i], r.classical[i]));
			}
			md.append('\n');
		}
		md.append("\nFigures (input, best classical, ours, uncertainty = std of the posterior samples (denoising: ")
			.append(figureSamples(model, s)).append("), truth):\n\n");
		for (final String t : TASKS.subList(0, 4)) {
			if (!s.tasks().contains(t)) continue;
			md.append("![").append(t).append("](quality-").append(t).append(".png)\n\n");
		}
		md.append(hard);
		if (s.tasks().contains("speed")) {
			md.append("Speed on this machine, default settings, one 512 x 512 image:\n\n");
			md.append(speed(model, 512, s.steps(), s.noise(), s.seed() - 1));
		}
		md.append("\nHow the defaults were chosen (quality against network evaluations, samples and start level): " +
			"[defaults.md](defaults.md).\n");
		md.append("\nMade by:\n\n```\n").append(command).append("\n```\n");
		final String report = md.toString();
		sc.fiji.diffusion.engine.PartialFiles.write(docs.resolve("quality.md"), tmp -> Files.writeString(tmp,
			report, StandardCharsets.UTF_8));
		return report;
	}

	/** Samples of the denoising figure's uncertainty panel: those asked for, else the inverse default. */
	private static int figureSamples(final NetworkDenoiser model, final Settings s) {
		return s.samples() > 1 ? s.samples() : Defaults.samples(Defaults.Task.INPAINT, 0, model.manager()
			.getDevice());
	}

	/** What the inverse problems ran, per task, on the model's device. */
	private static String estimates(final NetworkDenoiser model, final Settings s) {
		return "inpainting " + estimate(model, Defaults.Task.INPAINT, s.samples(), s.steps()) +
			", super-resolution x2 " + estimate(model, Defaults.Task.SUPER_RESOLVE_2, s.samples(), s.steps()) +
			", x4 " + estimate(model, Defaults.Task.SUPER_RESOLVE_4, s.samples(), s.steps());
	}

	/** What an inverse problem runs on the model's device with the samples and steps given (0: the default). */
	private static String estimate(final NetworkDenoiser model, final Defaults.Task task, final int samples,
		final int steps)
	{
		return Defaults.estimate(Defaults.samples(task, samples, model.manager().getDevice()), Defaults.steps(
			task, steps));
	}

	static float[] truth(final Settings s, final int i) {
		if (HELD_OUT.equals(s.scenes())) {
			final WideScenes.Kind[] kinds = WideScenes.Kind.values();
			final long seed = s.seed() + i;
			return HardHoles.toUnitRange(WideScenes.scene(kinds[i % kinds.length], SceneSettings.World.HELD_OUT
				.draw(new java.util.SplittableRandom(seed * 31 + 7)), s.size(), s.size(), seed));
		}
		final SyntheticScenes.Kind[] kinds = SyntheticScenes.Kind.values();
		return SyntheticScenes.scene(kinds[i % kinds.length], s.size(), s.size(), s.seed() + i);
	}

	private static Row denoise(final NetworkDenoiser model, final Settings s, final Path docs,
		final PrintStream log) throws IOException
	{
		final int n = s.size();
		final Row row = new Row("denoise (sigma " + s.noise() + ")", s.count());
		for (int i = 0; i < s.count(); i++) {
			final float[] truth = truth(s, i);
			final float[] noisy = new float[truth.length];
			final SplittableRandom r = new SplittableRandom(s.seed() * 31 + i);
			for (int k = 0; k < noisy.length; k++) noisy[k] = (float) (truth[k] + s.noise() * r.nextGaussian());
			final long t0 = System.nanoTime();
			final float[] out = plane(Denoise.run(ArrayImgs.floats(noisy.clone(), n, n), -1,
				new NoiseModel.Gaussian(s.noise()), RestoreOptions.defaults(model, "ddpm", s.steps())).image());
			final double took = (System.nanoTime() - t0) / 1e9;
			final Classical.Best best = Classical.bestDenoise(noisy, truth, n, n, s.noise());
			row.score(i, out, best, truth, n, null, took, log);
			if (i == 0) {
				final Result u = Denoise.run(ArrayImgs.floats(noisy.clone(), n, n), -1, new NoiseModel.Gaussian(
					s.noise()), RestoreOptions.defaults(model, "ddim:1", s.steps()).withSamples(figureSamples(model, s),
						true));
				figure(docs.resolve("quality-denoise.png"), noisy, best, out, plane(u.std()), truth, n, n);
			}
		}
		return row;
	}

	/** Lines, blocks or scattered pixels, by image index. */
	static boolean[] holes(final int kind, final int n, final long seed) {
		final boolean[] m = new boolean[n * n];
		final SplittableRandom r = new SplittableRandom(seed);
		switch (kind % 3) {
			case 0: // lines: a few rows and columns, 2-4 pixels thick
				for (int k = 0; k < 4; k++) {
					final int at = r.nextInt(n - 4), thick = 2 + r.nextInt(3);
					final boolean row = k % 2 == 0;
					for (int t = 0; t < thick; t++) {
						for (int j = 0; j < n; j++) m[row ? (at + t) * n + j : j * n + at + t] = true;
					}
				}
				break;
			case 1: // blocks of 8 to 24 pixels
				for (int k = 0; k < 6; k++) {
					final int bw = 8 + r.nextInt(17), bh = 8 + r.nextInt(17);
					final int x0 = r.nextInt(n - bw), y0 = r.nextInt(n - bh);
					for (int y = y0; y < y0 + bh; y++) for (int x = x0; x < x0 + bw; x++) m[y * n + x] = true;
				}
				break;
			default: // scattered pixels: half of them
				for (int k = 0; k < m.length; k++) m[k] = r.nextDouble() < 0.5;
		}
		return m;
	}

	private static Row inpaint(final NetworkDenoiser model, final Settings s, final Path docs,
		final PrintStream log) throws IOException
	{
		final int n = s.size();
		final Row row = new Row("inpaint (PSNR in holes)", s.count());
		for (int i = 0; i < s.count(); i++) {
			final float[] truth = truth(s, i);
			final boolean[] hole = holes(i, n, s.seed() * 17 + i);
			final float[] input = truth.clone();
			for (int k = 0; k < input.length; k++) if (hole[k]) input[k] = Float.NaN;
			final long t0 = System.nanoTime();
			final Result ours = Inpaint.run(ArrayImgs.floats(input.clone(), n, n), null, -1,
				new NoiseModel.Gaussian(0), RestoreOptions.defaults(model, "ddpm", s.steps()).withSeed(i)
					.withSamples(s.samples(), Defaults.samples(Defaults.Task.INPAINT, s.samples()) > 1));
			final float[] out = plane(ours.image());
			final double took = (System.nanoTime() - t0) / 1e9;
			final Classical.Best best = Classical.bestInpaint(input, hole, truth, n, n);
			row.score(i, out, best, truth, n, hole, took, log);
			if (i == 1 && ours.std() != null) {
				figure(docs.resolve("quality-inpaint.png"), input, best, out, plane(ours.std()), truth, n, n);
			}
		}
		return row;
	}

	/**
	 * The hard inpainting cases ({@link HardHoles}): per case the hole PSNR beside the better
	 * classical fill, the hole mean's error and the RMS error of the 2-pixel ring inside the hole's
	 * edge against the rest of the hole; a section of the report and two figures.
	 */
	private static Row hardHoles(final NetworkDenoiser model, final Settings s, final Path docs,
		final PrintStream log, final StringBuilder md) throws IOException
	{
		final List<HardHoles.Case> cases = HardHoles.cases(HARD_CASES, HARD_SIZE, HARD_SEED);
		final Row row = new Row("inpaint, hard cases (PSNR in holes)", cases.size());
		final int n = HARD_SIZE;
		md.append(String.format(Locale.ROOT, "%nHard inpainting cases: one square block per %d x %d scene, " +
			"inside a smooth bright object or across an object's edge, in nuclei and cytoplasm scenes (the " +
			"first models' training kinds) and vesicle and mitochondria scenes of the wide world's held-out " +
			"settings (`HardHoles`, %d cases, seeds from %d), %s. Hole mean error: |mean of the result - mean of the " +
			"truth| in the hole (data range 1); ring: RMS error of the 2 pixels inside the hole's edge, " +
			"interior: of the rest.%n%n| case | ours (dB) | classical (dB) | gain | hole mean error, ours " +
			"/ classical | ring / interior RMS, ours |%n| --- | --- | --- | --- | --- | --- |%n", n, n, cases.size(), HARD_SEED,
			(s.samples() == 0 && s.steps() == 0 ? "the default estimate, " : "") + estimate(model, Defaults.Task
				.INPAINT, s.samples(), s.steps())));
		int meanWithin = 0, classicalWithin = 0, ringOk = 0;
		int figureInside = -1, figureEdge = -1;
		for (int i = 0; i < cases.size(); i++) {
			final HardHoles.Case c = cases.get(i);
			final float[] input = c.truth().clone();
			for (int k = 0; k < input.length; k++) if (c.hole()[k]) input[k] = Float.NaN;
			final long t0 = System.nanoTime();
			final Result ours = Inpaint.run(ArrayImgs.floats(input.clone(), n, n), null, -1,
				new NoiseModel.Gaussian(0), RestoreOptions.defaults(model, "ddpm", s.steps()).withSeed(i)
					.withSamples(s.samples(), Defaults.samples(Defaults.Task.INPAINT, s.samples()) > 1));
			final float[] out = plane(ours.image());
			final float[] spread = ours.std() == null ? null : plane(ours.std());
			final double took = (System.nanoTime() - t0) / 1e9;
			final Classical.Best best = Classical.bestInpaint(input, c.hole(), c.truth(), n, n);
			row.score(i, out, best, c.truth(), n, c.hole(), took, log);
			final HardHoles.Score a = HardHoles.score(c, out), b = HardHoles.score(c, best.image());
			if (a.meanError() <= 0.02) meanWithin++;
			if (b.meanError() <= 0.02) classicalWithin++;
			if (a.ringRms() <= a.interiorRms()) ringOk++;
			md.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f | %+.2f | %.3f / %.3f | %.3f / %.3f |%n",
				c.label(), row.ours[i], row.classical[i], row.ours[i] - row.classical[i], a.meanError(), b
					.meanError(), a.ringRms(), a.interiorRms()));
			final boolean largest = c.label().contains(" 48 px");
			if (largest && c.place() == HardHoles.Place.INSIDE && figureInside < 0) {
				figureInside = i;
				figure(docs.resolve("quality-inpaint-hard-inside.png"), input, best, out, spread, c.truth(), n, n);
			}
			if (largest && c.place() == HardHoles.Place.EDGE && figureEdge < 0) {
				figureEdge = i;
				figure(docs.resolve("quality-inpaint-hard-edge.png"), input, best, out, spread, c.truth(), n, n);
			}
		}
		final double[] gains = new double[cases.size()];
		for (int i = 0; i < gains.length; i++) gains[i] = row.ours[i] - row.classical[i];
		md.append(String.format(Locale.ROOT, "%nMedian gain over the classical fill %+.2f dB, worst %+.2f; " +
			"ours better on %d of %d; hole mean within 0.02 on %d (classical %d); ring error no larger than " +
			"the interior's on %d.%n%n", median(gains), java.util.Arrays.stream(gains).min().orElse(0), (int)
				java.util.Arrays.stream(gains).filter(g -> g > 0).count(), cases.size(), meanWithin,
			classicalWithin, ringOk));
		if (figureInside >= 0) md.append("![hard case inside](quality-inpaint-hard-inside.png)\n\n");
		if (figureEdge >= 0) md.append("![hard case at an edge](quality-inpaint-hard-edge.png)\n\n");
		return row;
	}

	static float[] bin(final float[] img, final int n, final int f) {
		return sc.fiji.diffusion.restore.Upsample.bin(img, n / f, n / f, f);
	}

	private static Row superResolve(final NetworkDenoiser model, final Settings s, final int f,
		final Path docs, final PrintStream log) throws IOException
	{
		final int n = s.size(), m = n / f;
		final Row row = new Row("super-resolve x" + f, s.count());
		for (int i = 0; i < s.count(); i++) {
			final float[] truth = truth(s, i);
			final float[] lo = bin(truth, n, f);
			final long t0 = System.nanoTime();
			final Result ours = SuperResolve.run(ArrayImgs.floats(lo.clone(), m, m), f, -1,
				new NoiseModel.Gaussian(0), RestoreOptions.defaults(model, "ddpm", s.steps()).withSeed(i)
					.withSamples(s.samples(), Defaults.samples(Defaults.Task.inverse(f), s.samples()) > 1));
			final float[] out = plane(ours.image());
			final double took = (System.nanoTime() - t0) / 1e9;
			final Classical.Best best = Classical.bestUpsample(lo, truth, m, m, f);
			row.score(i, out, best, truth, n, null, took, log);
			if (i == 0 && ours.std() != null) {
				final float[] shown = new float[n * n];
				for (int y = 0; y < n; y++) for (int x = 0; x < n; x++) shown[y * n + x] = lo[(y / f) * m + x / f];
				figure(docs.resolve("quality-super-resolve-" + f + ".png"), shown, best, out, plane(ours.std()),
					truth, n, n);
			}
		}
		return row;
	}

	/**
	 * Wall time of the three restorations with default settings on one n x n scene, as a markdown
	 * table: each task's default estimate (steps 0) or its default with {@code steps} steps, each
	 * including its read-back to the host.
	 *
	 * @param noise Gaussian noise added for denoising, data range 1
	 */
	public static String speed(final NetworkDenoiser model, final int n, final int steps,
		final double noise, final long seed)
	{
		final float[] truth = SyntheticScenes.scene(SyntheticScenes.Kind.CYTOPLASM, n, n, seed);
		final float[] noisy = truth.clone();
		final SplittableRandom r = new SplittableRandom(1);
		for (int k = 0; k < noisy.length; k++) noisy[k] += (float) (noise * r.nextGaussian());
		final StringBuilder md = new StringBuilder("| task | seconds |\n| --- | --- |\n");
		long t0 = System.nanoTime();
		Denoise.run(ArrayImgs.floats(noisy, n, n), -1, new NoiseModel.Auto(), RestoreOptions.defaults(
			model, "ddpm", steps));
		md.append(String.format(Locale.ROOT, "| denoise (posterior mean, noise estimated) | %.2f |%n", (System
			.nanoTime() - t0) / 1e9));
		t0 = System.nanoTime();
		Denoise.run(ArrayImgs.floats(noisy, n, n), -1, new NoiseModel.Gaussian(noise), RestoreOptions.defaults(
			model, "ddpm", steps));
		md.append(String.format(Locale.ROOT, "| denoise (posterior mean, noise given) | %.2f |%n", (System
			.nanoTime() - t0) / 1e9));
		final float[] holed = truth.clone();
		final boolean[] hole = holes(1, n, 5);
		for (int k = 0; k < holed.length; k++) if (hole[k]) holed[k] = Float.NaN;
		t0 = System.nanoTime();
		Inpaint.run(ArrayImgs.floats(holed, n, n), null, -1, new NoiseModel.Gaussian(0), RestoreOptions
			.defaults(model, "ddpm", steps));
		md.append(String.format(Locale.ROOT, "| inpaint (%s) | %.1f |%n", estimate(model, Defaults.Task.INPAINT,
			0, steps), (System
			.nanoTime() - t0) / 1e9));
		t0 = System.nanoTime();
		SuperResolve.run(ArrayImgs.floats(bin(truth, n, 2), n / 2, n / 2), 2, -1, new NoiseModel.Gaussian(
			0), RestoreOptions.defaults(model, "ddpm", steps));
		md.append(String.format(Locale.ROOT, "| super-resolve x2 to %d x %d (%s) | %.1f |%n", n, n,
			estimate(model, Defaults.Task.SUPER_RESOLVE_2, 0, steps), (System.nanoTime() - t0) / 1e9));
		return md.toString();
	}

	private static void figure(final Path file, final float[] input, final Classical.Best best,
		final float[] ours, final float[] std, final float[] truth, final int w, final int h)
		throws IOException
	{
		double maxStd = 1e-6;
		if (std != null) for (final float v : std) if (Float.isFinite(v)) maxStd = Math.max(maxStd, v);
		Figure.write(file, new String[] { "input", best.method() + " (oracle)", "ours", std == null ? "" : "uncertainty",
			"truth" }, new float[][] { input, best.image(), ours, std, truth }, new double[][] { { 0, 1 }, {
				0, 1 }, { 0, 1 }, { 0, maxStd }, { 0, 1 } }, w, h);
	}

	private static float[] plane(final net.imglib2.RandomAccessibleInterval<net.imglib2.type.numeric.real.FloatType> img) {
		return Planes.of(img).plane(0);
	}

	static double median(final double[] v) {
		return Metrics.median(v);
	}
}
