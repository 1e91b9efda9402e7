package sc.fiji.diffusion.commands;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.ImageStack;
import ij.gui.Roi;
import ij.io.FileSaver;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import ij.process.ShortProcessor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CancellationException;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.Command;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;
import org.scijava.task.Task;
import org.scijava.task.TaskService;

/** The commands headless, through SciJava's CommandService, as a script or a headless Fiji runs them. */
class CommandsTest {

	static Context context;

	@TempDir
	Path work;

	@BeforeAll
	static void start() {
		context = new Context();
	}

	@AfterAll
	static void stop() {
		context.dispose();
	}

	static CommandModule run(final Class<? extends Command> c, final Object... keyValues)
		throws Exception
	{
		final Map<String, Object> in = new HashMap<>();
		for (int i = 0; i < keyValues.length; i += 2) in.put((String) keyValues[i], keyValues[i + 1]);
		if (MacroOptions.keys(c).contains("device")) in.putIfAbsent("device", "CPU");
		return context.service(CommandService.class).run(c, true, in).get();
	}

	static ImagePlus noisy(final int w, final int h, final int slices, final long seed) {
		final Random r = new Random(seed);
		final ImageStack stack = new ImageStack(w, h);
		for (int z = 0; z < slices; z++) {
			final ShortProcessor sp = new ShortProcessor(w, h);
			for (int y = 0; y < h; y++) {
				for (int x = 0; x < w; x++) {
					final double blob = 900 * Math.exp(-((x - w / 2.0) * (x - w / 2.0) + (y - h / 3.0) * (y - h /
						3.0)) / 60.0);
					sp.set(x, y, (int) Math.round(200 + blob + 20 * r.nextGaussian()));
				}
			}
			stack.addSlice(sp);
		}
		final ImagePlus imp = new ImagePlus("sample image.tif", stack);
		imp.getCalibration().pixelWidth = 0.2;
		imp.getCalibration().pixelHeight = 0.2;
		imp.getCalibration().setUnit("micron");
		return imp;
	}

	static String reason(final CommandModule m) {
		assertTrue(m.isCanceled(), "the command should have stopped with a message");
		return m.getCancelReason();
	}

	@Test
	void denoiseGivesANewCalibratedImageAndLeavesTheInputAlone() throws Exception {
		final ImagePlus imp = noisy(72, 64, 2, 1);
		final short[] before = ((short[]) imp.getStack().getPixels(1)).clone();
		final CommandModule m = run(DenoiseCommand.class, "image", imp, "noise", "gaussian:20");
		assertFalse(m.isCanceled(), m.getCancelReason());
		final ImagePlus out = (ImagePlus) m.getOutput("restored");
		assertEquals("sample image-denoised", out.getTitle());
		assertEquals(32, out.getBitDepth());
		assertEquals(2, out.getStackSize());
		assertEquals(0.2, out.getCalibration().pixelWidth, 1e-12);
		assertEquals("micron", out.getCalibration().getUnit());
		assertNull(m.getOutput("deviation"));
		assertArrayEquals(before, (short[]) imp.getStack().getPixels(1));
		assertTrue(out.getDisplayRangeMax() > out.getDisplayRangeMin());
	}

	@Test
	void inpaintFillsTheSelectionAndKeepsEveryOtherPixel() throws Exception {
		final ImagePlus imp = noisy(64, 64, 1, 2);
		imp.setRoi(new Roi(20, 24, 16, 8));
		final CommandModule m = run(InpaintCommand.class, "image", imp, "steps", 4, "samples", 2,
			"uncertainty", true);
		assertFalse(m.isCanceled(), m.getCancelReason());
		final float[] out = (float[]) ((ImagePlus) m.getOutput("restored")).getProcessor().getPixels();
		final float[] sd = (float[]) ((ImagePlus) m.getOutput("deviation")).getProcessor().getPixels();
		final short[] in = (short[]) imp.getProcessor().getPixels();
		for (int y = 0; y < 64; y++) {
			for (int x = 0; x < 64; x++) {
				final int i = y * 64 + x;
				final boolean hole = x >= 20 && x < 36 && y >= 24 && y < 32;
				assertTrue(Float.isFinite(out[i]));
				if (!hole) {
					assertEquals(in[i], out[i], 1e-2, "known pixel " + x + "," + y);
					assertEquals(0, sd[i], 0, "std of a known pixel");
				}
			}
		}
		assertTrue(sd[28 * 64 + 28] > 0, "a filled pixel has an uncertainty");
	}

	@Test
	void superResolutionHalvesThePixelSize() throws Exception {
		final ImagePlus imp = noisy(64, 64, 1, 3);
		final CommandModule m = run(SuperResolutionCommand.class, "image", imp, "factor", 2, "steps", 3);
		assertFalse(m.isCanceled(), m.getCancelReason());
		final ImagePlus out = (ImagePlus) m.getOutput("restored");
		assertEquals(128, out.getWidth());
		assertEquals(0.1, out.getCalibration().pixelWidth, 1e-12);
		assertEquals("sample image-x2", out.getTitle());
	}

	@Test
	void badInputStopsWithAMessageThatSaysWhatToDo() throws Exception {
		final ImagePlus gray = noisy(64, 64, 1, 4);
		assertTrue(reason(run(DenoiseCommand.class)).contains("open an image"));
		assertTrue(reason(run(DenoiseCommand.class, "image", new ImagePlus("rgb", new ColorProcessor(64,
			64)))).contains("RGB"));
		assertTrue(reason(run(SuperResolutionCommand.class, "image", gray, "factor", 3)).contains(
			"2 or 4"));
		assertTrue(reason(run(DenoiseCommand.class, "image", gray, "noise", "gaussian:-1")).contains(
			"must be zero or positive"));
		assertTrue(reason(run(InpaintCommand.class, "image", gray, "mask", "no such window")).contains(
			"No mask image"));
		assertTrue(reason(run(InpaintCommand.class, "image", gray)).contains("Nothing to inpaint"));
		final String model = reason(run(DenoiseCommand.class, "image", gray, "model", "nonexistent"));
		assertTrue(model.contains("Installed: ") && model.contains("ddpm-fluo"), model);
		assertTrue(reason(run(DenoiseCommand.class, "image", gray, "device", "GPU")).contains("No GPU"));
		assertTrue(reason(run(DenoiseCommand.class, "image", gray, "precision", "Half")).contains(
			"Use precision=auto or precision=float"));
		assertTrue(reason(run(SampleCommand.class, "precision", "double")).contains(
			"use auto, float, half or bfloat16"));
		assertTrue(reason(run(DenoiseCommand.class, "image", gray, "samples", 1, "uncertainty", true))
			.contains("at least 2 samples"));
	}

	@Test
	void aSamplerTheMeanDoesNotUseIsStillChecked() throws Exception {
		final String r = reason(run(DenoiseCommand.class, "image", noisy(64, 64, 1, 4), "sampler", "nope"));
		assertTrue(r.contains("Unknown sampler 'nope'"), r);
		final String inverse = reason(run(InpaintCommand.class, "image", noisy(64, 64, 1, 4), "sampler",
			"langevin"));
		assertTrue(inverse.contains("run DDPM or DDIM steps"), inverse);
	}

	@Test
	void aMaskOfAnotherSizeIsRefused() throws Exception {
		final ImagePlus gray = noisy(64, 64, 1, 5);
		final Path mask = work.resolve("small mask.tif");
		new FileSaver(new ImagePlus("small mask", new FloatProcessor(32, 32))).saveAsTiff(mask.toString());
		final String r = reason(run(InpaintCommand.class, "image", gray, "mask", mask.toString()));
		assertTrue(r.contains("mask of the image's size"), r);
	}

	@Test
	void aCorruptedModelIsRefused() throws Exception {
		final Path copy = Files.createDirectories(work.resolve("broken"));
		for (final String f : new String[] { "model.json", "weights.bin" }) {
			Files.copy(Paths.get("models", "ddpm-fluo", f), copy.resolve(f));
		}
		final byte[] w = Files.readAllBytes(copy.resolve("weights.bin"));
		w[w.length / 2] ^= 1;
		Files.write(copy.resolve("weights.bin"), w);
		final String r = reason(run(DenoiseCommand.class, "image", noisy(64, 64, 1, 6), "model", copy
			.toString()));
		assertTrue(r.contains("corrupted"), r);
	}

	@Test
	void modelInfoShowsTheCardAndTheServiceKeepsModelsLoaded() throws Exception {
		run(SampleCommand.class, "count", 2, "size", 32, "steps", 2);
		final DiffusionModelService models = context.service(DiffusionModelService.class);
		assertTrue(models.loadedModels().stream().anyMatch(s -> s.startsWith("ddpm-fluo")));
		final CommandModule m = run(ModelInfoCommand.class, "model", "ddpm-fluo");
		final String card = (String) m.getOutput("card");
		assertTrue(card.contains("\"family\": \"ddpm\"") && card.contains("denoise_psnr_sigma_0.1"), card);
		run(ModelInfoCommand.class, "release", true);
		assertTrue(models.loadedModels().isEmpty());
	}

	@Test
	void sampleGivesAStackOfTheRequestedSize() throws Exception {
		final CommandModule m = run(SampleCommand.class, "count", 3, "size", 32, "steps", 2);
		final ImagePlus out = (ImagePlus) m.getOutput("samples");
		assertNotNull(out, m.getCancelReason());
		assertEquals(3, out.getStackSize());
		assertEquals(32, out.getWidth());
	}

	@Test
	void trainingWritesAModelAndContinuesFromItsCheckpoint() throws Exception {
		final Path out = work.resolve("tiny-model");
		CommandModule m = run(TrainCommand.class, "output", out.toString(), "steps", 2, "patch", 16,
			"batch", 2);
		assertFalse(m.isCanceled(), m.getCancelReason());
		assertTrue(Files.isRegularFile(out.resolve("model.json")));
		assertTrue(Files.isRegularFile(Paths.get(out + ".ckpt")));
		m = run(TrainCommand.class, "output", out.toString(), "steps", 3, "patch", 16, "batch", 2);
		assertFalse(m.isCanceled(), m.getCancelReason());
		assertTrue(((String) m.getOutput("card")).contains("\"steps\": 3"));
		// Written under a temporary name and moved: nothing else is left beside the model.
		try (java.util.stream.Stream<Path> left = Files.list(work)) {
			assertEquals(java.util.Set.of("tiny-model", "tiny-model.ckpt"), left.map(p -> p.getFileName()
				.toString()).collect(java.util.stream.Collectors.toSet()));
		}
	}

	@Test
	void trainingNeverReplacesAFolderOfOtherThings() throws Exception {
		// A user who names the folder the model should go into, not the model's own folder.
		final Path folder = Files.createDirectories(work.resolve("my models"));
		Files.writeString(folder.resolve("notes.txt"), "keep me");
		final CommandModule m = run(TrainCommand.class, "output", folder.toString(), "steps", 1, "patch",
			16, "batch", 2);
		assertTrue(reason(m).contains("exists and is not a model folder"), reason(m));
		assertEquals("keep me", Files.readString(folder.resolve("notes.txt")));
		assertFalse(Files.exists(Paths.get(folder + ".ckpt")), "nothing written beside it");
	}

	@Test
	void calibratedAndSigned16BitImagesComeBackInTheirCalibratedUnits() throws Exception {
		// Signed 16-bit: raw values are value + 32768, read through ImageJ's calibration.
		final ImagePlus signed = noisy(64, 64, 1, 11);
		final short[] px = (short[]) signed.getProcessor().getPixels();
		for (int i = 0; i < px.length; i++) px[i] = (short) ((px[i] & 0xffff) - 1000 + 32768);
		signed.getCalibration().setSigned16BitCalibration();
		final double signedMean = signed.getStatistics().mean; // calibrated, as ImageJ measures it
		ImagePlus out = (ImagePlus) run(DenoiseCommand.class, "image", signed, "noise", "gaussian:20")
			.getOutput("restored");
		assertEquals(signedMean, out.getStatistics().mean, 20);
		// 8-bit with a straight-line calibration to nM.
		final ImagePlus nM = new ImagePlus("nM", noisy(64, 64, 1, 12).getProcessor().convertToByte(true));
		nM.getCalibration().setFunction(ij.measure.Calibration.STRAIGHT_LINE, new double[] { 5, 10 }, "nM");
		final double nMMean = nM.getStatistics().mean;
		out = (ImagePlus) run(DenoiseCommand.class, "image", nM, "noise", "gaussian:100").getOutput(
			"restored");
		assertEquals(nMMean, out.getStatistics().mean, 0.05 * nMMean);
		assertEquals("nM", out.getCalibration().getValueUnit());
	}

	@Test
	void outputTitlesLoseOnlyAFileExtension() {
		for (final String[] c : new String[][] { { "cell.tif", "cell" }, { "a.ome.tif", "a" }, { "X.TIFF",
			"X" }, { "exposure 0.25", "exposure 0.25" }, { "t 0.5", "t 0.5" }, { "stack.czi", "stack" } })
		{
			assertEquals(c[1], RestoreCommand.baseTitle(new ImagePlus(c[0], new ShortProcessor(4, 4))));
		}
	}

	@Test
	void theReadmesScriptExampleGivesEveryInput() throws Exception {
		// Fiji's harvester asks for inputs a script leaves out, in a dialog, on every call of a loop.
		final String readme = Files.readString(Paths.get("README.md"));
		final int at = readme.indexOf("cs.run(\"sc.fiji.diffusion.commands.DenoiseCommand\"");
		assertTrue(at >= 0, "no script example in README.md");
		final String call = readme.substring(readme.indexOf("true,", at) + 5, readme.indexOf(".get()", at));
		final java.util.Set<String> keys = new java.util.TreeSet<>();
		// Key and value pairs: each match takes both, so values are never read as keys.
		final java.util.regex.Matcher m = java.util.regex.Pattern.compile(
			"\"([a-z]+)\",\\s*(\"[^\"]*\"|[^,\\s)]+)").matcher(call);
		while (m.find()) keys.add(m.group(1));
		assertEquals(MacroOptions.keys(DenoiseCommand.class), keys);
	}

	/** The training's task, once it has done a few steps. */
	public static final class TrainingWatch {

		volatile Task training;

		@org.scijava.event.EventHandler
		public void onEvent(final org.scijava.task.event.TaskEvent e) {
			final Task t = e.getTask();
			if (training == null && t.getName().equals("Train Diffusion Model") && t.getProgressValue() >= 3) {
				training = t;
			}
		}
	}

	@Test
	void trainingCancelledFromItsTaskSavesItsCheckpoint() throws Exception {
		final Path out = work.resolve("cancelled-model");
		final Map<String, Object> in = new HashMap<>(Map.of("output", out.toString(), "steps", 100_000,
			"patch", 16, "batch", 2, "device", "CPU"));
		final TrainingWatch watch = new TrainingWatch();
		context.service(org.scijava.event.EventService.class).subscribe(watch);
		final java.util.concurrent.Future<CommandModule> f = context.service(CommandService.class).run(
			TrainCommand.class, true, in);
		// Cancelled as Fiji's task list does, once it trains (a few steps in).
		for (int i = 0; i < 1200 && watch.training == null; i++) Thread.sleep(100);
		assertNotNull(watch.training, "training did not start");
		watch.training.cancel("user");
		final CommandModule m = f.get(2, java.util.concurrent.TimeUnit.MINUTES);
		assertTrue(reason(m).contains("Training stopped at step"), reason(m));
		assertTrue(Files.isRegularFile(Paths.get(out + ".ckpt")), "no checkpoint after a cancel");
		try (java.util.stream.Stream<Path> left = Files.list(work)) {
			assertTrue(left.noneMatch(p -> p.toString().endsWith(".part")), "a half-written file is left");
		}
	}

	@Test
	void aCompositeKeepsItsModeColoursLabelsAndAChannelsOwnRange() throws Exception {
		final ImageStack stack = new ImageStack(64, 64);
		final Random r = new Random(5);
		for (int c = 0; c < 2; c++) {
			final ShortProcessor sp = new ShortProcessor(64, 64);
			for (int i = 0; i < 64 * 64; i++) sp.set(i, (int) (200 + 2800 * c + 20 * r.nextGaussian()));
			stack.addSlice(c == 0 ? "GFP" : "mCherry", sp);
		}
		final ImagePlus plain = new ImagePlus("two colours", stack);
		plain.setDimensions(2, 1, 1);
		final ij.CompositeImage src = new ij.CompositeImage(plain, ij.IJ.COMPOSITE);
		src.setChannelLut(ij.process.LUT.createLutFromColor(java.awt.Color.GREEN), 1);
		src.setChannelLut(ij.process.LUT.createLutFromColor(java.awt.Color.MAGENTA), 2);
		final ImagePlus out = (ImagePlus) run(DenoiseCommand.class, "image", src, "noise", "gaussian:20")
			.getOutput("restored");
		assertTrue(out instanceof ij.CompositeImage, "not a composite");
		final ij.CompositeImage co = (ij.CompositeImage) out;
		assertEquals(ij.IJ.COMPOSITE, co.getMode());
		assertEquals(src.getChannelLut(2).getRGB(255), co.getChannelLut(2).getRGB(255));
		assertEquals("mCherry", co.getStack().getSliceLabel(2));
		// Each channel its own range: channel 1 near 200, channel 2 near 3000.
		assertTrue(co.getChannelLut(1).max < 1000 && co.getChannelLut(2).min > 2000, co.getChannelLut(1).max +
			" / " + co.getChannelLut(2).min);
	}

	@Test
	void aCancelledTaskStopsAtTheNextStep() {
		final Task task = context.service(TaskService.class).createTask("test");
		try (Progress p = new Progress("test", null, task)) {
			p.stepDone(1, 10);
			task.cancel("user");
			assertThrows(CancellationException.class, () -> p.stepDone(2, 10));
		}
	}

	@Test
	void theStatusMovesWithinAPercent() {
		final Task task = context.service(TaskService.class).createTask("test");
		try (Progress p = new Progress("Inpaint", null, task)) {
			p.stepDone(1, 1000);
			assertTrue(task.getStatusMessage().startsWith("Inpaint: 0.1%, about "), task.getStatusMessage());
		}
	}

	@Test
	void moreThanAThousandStepsAreRefusedBeforeTheWork() throws Exception {
		final String r = reason(run(DenoiseCommand.class, "image", noisy(64, 64, 1, 4), "steps", 1001));
		assertTrue(r.contains("at most 1000, got 1001"), r);
		final String s = reason(run(SampleCommand.class, "count", 1, "size", 8, "steps", 1001));
		assertTrue(s.contains("at most 1000, got 1001"), s);
	}

	@Test
	void macroOptionsFollowImageJsRule() {
		final Map<String, String> o = MacroOptions.parse("image=[C1-[cell 1].tif] steps=5 seed=-2 " +
			"noise=gaussian:0.5 model=[a b] uncertainty=true");
		assertEquals("C1-[cell 1].tif", o.get("image"));
		assertEquals("5", o.get("steps"));
		assertEquals("-2", o.get("seed"));
		assertEquals("gaussian:0.5", o.get("noise"));
		assertEquals("a b", o.get("model"));
		assertEquals("true", o.get("uncertainty"));
		// As ImageJ's Macro.getValue: single quotes hold spaces, the first of a repeated key counts.
		final Map<String, String> q = MacroOptions.parse("image='cell 1' steps=5 steps=7");
		assertEquals("cell 1", q.get("image"));
		assertEquals("5", q.get("steps"));
		// Large whole numbers as a macro prints them ("seed=" + getTime()).
		assertEquals(1795700000000L, MacroOptions.typed("seed", "1.7957E12", long.class));
		assertThrows(IllegalArgumentException.class, () -> MacroOptions.typed("steps", "2.5", int.class));
		MacroOptions.check(SuperResolutionCommand.class, "SR", "image=[C1-[cell 1].tif] factor=2");
		final String label = "Super-Resolution (Diffusion)";
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MacroOptions
			.check(SuperResolutionCommand.class, label, "image=a factor=2 sr_steps=4"));
		assertTrue(e.getMessage().contains("sr_steps") && e.getMessage().contains("factor"), e
			.getMessage());
		// Fiji reads neither a bare boolean nor a key in another case: refused with what to write.
		e = assertThrows(IllegalArgumentException.class, () -> MacroOptions.check(
			SuperResolutionCommand.class, label, "image=a uncertainty"));
		assertTrue(e.getMessage().contains("uncertainty=true"), e.getMessage());
		e = assertThrows(IllegalArgumentException.class, () -> MacroOptions.check(
			SuperResolutionCommand.class, label, "image=a Steps=4"));
		assertTrue(e.getMessage().contains("Steps") && e.getMessage().contains("lower case"), e
			.getMessage());
		e = assertThrows(IllegalArgumentException.class, () -> MacroOptions.typed("steps", "fifty",
			int.class));
		assertTrue(e.getMessage().contains("steps must be a whole number"), e.getMessage());
		assertEquals(Long.MAX_VALUE, MacroOptions.typed("seed", "9223372036854775807", long.class));
	}

	@Test
	void aModelReleasedWhileInUseClosesWhenItsCommandEnds() throws Exception {
		final DiffusionModelService models = context.service(DiffusionModelService.class);
		try (DiffusionModelService.Lease lease = models.lease("ddpm-fluo", ai.djl.Device.cpu(),
			sc.fiji.diffusion.engine.Precision.FLOAT))
		{
			models.release();
			assertTrue(models.loadedModels().isEmpty());
			// Still usable by the command that holds it.
			final float[][] x = sc.fiji.diffusion.engine.Generation.sample(lease.model(),
				sc.fiji.diffusion.engine.Sampler.byName("ddim"), 1, 32, 2, 1, 0, null);
			assertEquals(32 * 32, x[0].length);
		}
	}

	@Test
	void aModelIsLoadedOncePerDeviceWhateverThePrecision() throws Exception {
		final DiffusionModelService models = context.service(DiffusionModelService.class);
		models.release();
		final ai.djl.Device cpu = ai.djl.Device.cpu();
		final sc.fiji.diffusion.engine.NetworkDenoiser single;
		try (DiffusionModelService.Lease lease = models.lease("ddpm-fluo", cpu,
			sc.fiji.diffusion.engine.Precision.FLOAT))
		{
			single = lease.model();
		}
		try (DiffusionModelService.Lease lease = models.lease("ddpm-fluo", cpu,
			sc.fiji.diffusion.engine.Precision.HALF))
		{
			assertEquals(sc.fiji.diffusion.engine.Precision.HALF, lease.model().precision());
			assertEquals(java.util.List.of("ddpm-fluo on cpu() in half precision"), models.loadedModels());
			// The float copy was idle: closed, its weights freed.
			assertThrows(IllegalStateException.class, () -> single.manager().create(1f));
		}
		models.release();
	}

	/** Runs out of "GPU memory" while more than one 64-pixel tile goes into a call. */
	public static class ShortOfMemory extends DenoiseCommand {

		/** Windows per call of each try. */
		static final java.util.List<Integer> tried = new java.util.ArrayList<>();
		/** Calls of more windows than this run out of memory. */
		static int fits = 2;

		@Override
		@SuppressWarnings("rawtypes")
		protected sc.fiji.diffusion.restore.Result restore(final net.imglib2.RandomAccessibleInterval img,
			final int channelAxis, final sc.fiji.diffusion.restore.NoiseModel noise,
			final sc.fiji.diffusion.restore.RestoreOptions o)
		{
			final int perCall = sc.fiji.diffusion.restore.TiledDenoiser.windowsPerCall(o.model(), task(), o
				.tile(), o.tileBatch(), null);
			tried.add(perCall);
			if (perCall > fits) {
				throw new ai.djl.engine.EngineException("CUDA out of memory. Tried to allocate 2.00 GiB");
			}
			return super.restore(img, channelAxis, noise, o);
		}
	}

	@Test
	void outOfMemoryRetriesWithSmallerTilesThenSaysSo() throws Exception {
		final org.scijava.command.CommandInfo info = new org.scijava.command.CommandInfo(
			ShortOfMemory.class);
		CommandModule m = (CommandModule) context.service(org.scijava.module.ModuleService.class).run(info,
			true, "image", noisy(64, 64, 1, 7), "device", "CPU", "tile", 256).get();
		assertFalse(m.isCanceled(), m.getCancelReason());
		final java.util.List<Integer> tried = ShortOfMemory.tried;
		assertTrue(tried.size() >= 3 && tried.get(0) > 8, tried.toString());
		for (int i = 1; i < tried.size(); i++) assertTrue(tried.get(i) <= tried.get(i - 1) / 2, tried.toString());
		assertTrue(tried.get(tried.size() - 1) <= ShortOfMemory.fits, tried.toString());
		// With nothing fitting, down to one window, then a message.
		ShortOfMemory.tried.clear();
		ShortOfMemory.fits = 0;
		try {
			m = (CommandModule) context.service(org.scijava.module.ModuleService.class).run(info, true,
				"image", noisy(64, 64, 1, 7), "device", "CPU", "tile", 0).get();
		}
		finally {
			ShortOfMemory.fits = 2;
		}
		assertEquals(1, (int) ShortOfMemory.tried.get(ShortOfMemory.tried.size() - 1));
		assertTrue(reason(m).contains("ran out of memory"), m.getCancelReason());
	}

	@Test
	void inAMacroTheKeysLeftOutKeepTheirDefaultsWithoutADialog() throws Exception {
		final org.scijava.module.Module[] module = new org.scijava.module.Module[1];
		// Macro options answer only on ImageJ's "Run$_" threads (Fiji's legacy layer extends that).
		final org.scijava.command.CommandInfo info = context.service(CommandService.class).getCommand(
			DenoiseCommand.class);
		module[0] = info.createModule();
		final Thread t = new Thread(() -> {
			ij.Macro.setOptions("image=x steps=3");
			module[0].resolveInput("steps");
			new MacroDefaultsPreprocessor().process(module[0]);
			ij.Macro.setOptions(null);
		}, "Run$_test");
		t.start();
		t.join();
		for (final org.scijava.module.ModuleItem<?> item : module[0].getInfo().inputs()) {
			assertTrue(module[0].isInputResolved(item.getName()), item.getName() + " left for a dialog");
		}
		// Outside a macro nothing is touched: the dialog asks.
		final org.scijava.module.Module plain = info.createModule();
		new MacroDefaultsPreprocessor().process(plain);
		assertFalse(plain.isInputResolved("steps"));
	}

	@Test
	void aHyperstackKeepsItsChannelsSlicesAndOrder() throws Exception {
		final int nc = 2, nz = 3;
		final Random r = new Random(9);
		final ImageStack stack = new ImageStack(64, 64);
		for (int z = 0; z < nz; z++) {
			for (int c = 0; c < nc; c++) {
				final ShortProcessor sp = new ShortProcessor(64, 64);
				// Each plane its own level: channel 1 near 200 + 100 z, channel 2 near 3000 + 100 z.
				for (int i = 0; i < 64 * 64; i++) sp.set(i, (int) (200 + 2800 * c + 100 * z + 20 * r
					.nextGaussian()));
				stack.addSlice(sp);
			}
		}
		final ImagePlus imp = new ImagePlus("hyper", stack);
		imp.setDimensions(nc, nz, 1);
		imp.setOpenAsHyperStack(true);
		final CommandModule m = run(DenoiseCommand.class, "image", imp, "noise", "gaussian:20");
		assertFalse(m.isCanceled(), m.getCancelReason());
		final ImagePlus out = (ImagePlus) m.getOutput("restored");
		assertEquals(nc, out.getNChannels());
		assertEquals(nz, out.getNSlices());
		assertEquals(1, out.getNFrames());
		assertTrue(out.isHyperStack());
		for (int z = 1; z <= nz; z++) {
			for (int c = 1; c <= nc; c++) {
				final double expected = 200 + 2800 * (c - 1) + 100 * (z - 1);
				final double mean = out.getStack().getProcessor(out.getStackIndex(c, z, 1)).getStatistics().mean;
				assertEquals(expected, mean, 15, "channel " + c + ", slice " + z);
			}
		}
	}

	@Test
	void aDownloadIntoTheEngineCacheIsReportedAsItGrows() throws Exception {
		final java.util.List<String> heard = java.util.Collections.synchronizedList(
			new java.util.ArrayList<>());
		final Path cache = Files.createDirectories(work.resolve("pytorch"));
		try (Djl.Watch watch = Djl.watchDownload(cache, heard::add, 50)) {
			Thread.sleep(200);
			assertTrue(heard.isEmpty(), "nothing downloaded, nothing said: " + heard);
			Files.write(cache.resolve("libtorch_cuda.so.part"), new byte[3 << 20]);
			for (int i = 0; i < 100 && heard.isEmpty(); i++) Thread.sleep(50);
		}
		assertFalse(heard.isEmpty(), "a growing download is reported");
		assertTrue(heard.get(0).contains("Downloading PyTorch") && heard.get(0).contains(cache.toString()),
			heard.get(0));
	}

	@Test
	void theCommandItselfRefusesAnUnknownKeyWhereMacroOptionsAnswer() throws Exception {
		// In Fiji the command runs on a thread where Macro.getOptions() answers (imagej-legacy
		// patches it) and unknown keys are otherwise ignored: the command checks them itself. Here a
		// "Run$_" thread, where ImageJ 1.x answers, stands in for it.
		final org.scijava.module.Module module = context.service(CommandService.class).getCommand(
			DenoiseCommand.class).createModule();
		context.inject(module.getDelegateObject());
		final Thread t = new Thread(() -> {
			ij.Macro.setOptions("image=x stesp=3");
			module.run();
			ij.Macro.setOptions(null);
		}, "Run$_fiji");
		t.start();
		t.join();
		final String r = ((org.scijava.Cancelable) module.getDelegateObject()).getCancelReason();
		assertTrue(r != null && r.contains("Unknown key stesp") && r.contains("Accepted keys: device, " +
			"image, model"), String.valueOf(r));
	}
}
