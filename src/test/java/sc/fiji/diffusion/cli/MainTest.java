package sc.fiji.diffusion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.io.Opener;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.diffusion.engine.NetworkDenoiser;
import sc.fiji.diffusion.model.ModelFolder;
import sc.fiji.diffusion.model.TinyModels;

class MainTest {

	private final ByteArrayOutputStream out = new ByteArrayOutputStream(), err =
		new ByteArrayOutputStream();

	private int run(final String... args) {
		return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err,
			true, StandardCharsets.UTF_8));
	}

	private String err() {
		return err.toString(StandardCharsets.UTF_8);
	}

	@Test
	void anUnknownVerbPrintsTheUsageAndExitsWithTwo() {
		assertEquals(2, run("denoize"));
		assertTrue(err().contains("Unknown verb 'denoize'") && err().contains("Usage:"), err());
	}

	@Test
	void anUnknownOptionPrintsTheUsageAndExitsWithTwo() {
		assertEquals(2, run("sample", "--model", "x", "--output", "a.tif", "--colour", "red"));
		assertTrue(err().contains("Unknown option --colour") && err().contains("--sampler"), err());
	}

	@Test
	void adviceInMacroSyntaxReadsInTheCommandLinesOwn() {
		assertEquals("give the noise explicitly (--noise gaussian:SIGMA).", Main.inCliSyntax(
			"give the noise explicitly (noise=gaussian:SIGMA)."));
		assertEquals("use --sampler ddpm or --sampler ddim:0.5.", Main.inCliSyntax(
			"use sampler=ddpm or sampler=ddim:0.5."));
		assertEquals("at least 16 pixels (--tile 16), set --samples 2 or more", Main.inCliSyntax(
			"at least 16 pixels (tile=16), set samples=2 or more"));
		// Keys the command line does not take, and words that only end in a key, stay as they are.
		assertEquals("name one with image=[title]; denoise=x", Main.inCliSyntax(
			"name one with image=[title]; denoise=x"));
	}

	@Test
	void noArgumentsIsAUsageError() {
		assertEquals(2, run());
	}

	@Test
	void aModelThatIsNotInstalledFailsWithTheList(@TempDir final Path dir) {
		assertEquals(1, run("sample", "--model", dir.resolve("none").toString(), "--output", dir.resolve(
			"a.tif").toString(), "--device", "cpu"));
		assertTrue(err().contains("No model"), err());
		assertTrue(!Files.exists(dir.resolve("a.tif")));
	}

	@Test
	void sampleWritesATiffStackAndAPngGrid(@TempDir final Path dir) throws IOException {
		TinyModels.save(dir.resolve("tiny"));
		final Path tif = dir.resolve("out.tif");
		assertEquals(0, run("sample", "--model", dir.resolve("tiny").toString(), "--output", tif
			.toString(), "--count", "3", "--steps", "4", "--sampler", "dpm++", "--device", "cpu"), err());
		final ImagePlus imp = new Opener().openImage(tif.toString());
		assertEquals(3, imp.getStackSize());
		assertEquals(16, imp.getWidth());
		assertEquals(32, imp.getBitDepth());
		assertTrue(Files.size(dir.resolve("out.png")) > 0);
		// Nothing half-written is left beside the outputs.
		try (var files = Files.list(dir)) {
			assertEquals(0, files.filter(f -> f.getFileName().toString().startsWith(".")).count());
		}
	}

	@Test
	void zeroStepsAndUnknownSamplersAreRefused(@TempDir final Path dir) throws IOException {
		TinyModels.save(dir.resolve("tiny"));
		final String model = dir.resolve("tiny").toString(), tif = dir.resolve("o.tif").toString();
		assertEquals(2, run("sample", "--model", model, "--output", tif, "--steps", "0"));
		assertTrue(err().contains("at least 1"), err());
		assertEquals(2, run("sample", "--model", model, "--output", tif, "--sampler", "heun"));
		assertTrue(err().contains("Unknown sampler 'heun'"), err());
		assertEquals(2, run("sample", "--model", model, "--output", tif, "--device", "cpu",
			"--precision", "half"));
		assertTrue(err().contains("--precision: Half precision is for a GPU"), err());
		assertTrue(!Files.exists(dir.resolve("o.tif")));
	}

	@Test
	void qualityRunsTheTasksAskedForIntoTheFolderAskedFor(@TempDir final Path dir) throws IOException {
		assertEquals(0, run("quality", "--tasks", "inpaint", "--count", "2", "--size", "64", "--steps", "2",
			"--samples", "2", "--docs", dir.toString(), "--device", "cpu"), err());
		final String md = Files.readString(dir.resolve("quality.md"));
		assertTrue(md.contains("| inpaint (PSNR in holes) |") && !md.contains("denoise (sigma") && !md
			.contains("Speed on this machine"), md);
		assertTrue(Files.exists(dir.resolve("quality-inpaint.png")));
		assertEquals(2, run("quality", "--tasks", "inpaint,deblur", "--docs", dir.toString()));
		assertTrue(err().contains("Unknown task 'deblur'"), err());
	}

	private static final String[] TINY_TRAINING = { "--family", "ncsn", "--widths", "8,16", "--patch",
		"16", "--batch", "2", "--steps", "1", "--device", "cpu" };

	private int train(final Path output) {
		final String[] args = new String[TINY_TRAINING.length + 3];
		args[0] = "train";
		args[1] = "--output";
		args[2] = output.toString();
		System.arraycopy(TINY_TRAINING, 0, args, 3, TINY_TRAINING.length);
		return run(args);
	}

	@Test
	void trainingRefusesAFolderWhoseModelJsonIsNotOurCardAndDeletesNothing(@TempDir final Path dir)
		throws IOException
	{
		final Path tfjs = Files.createDirectory(dir.resolve("tfjs"));
		final String json = "{\"format\": \"layers-model\", \"modelTopology\": {}}";
		Files.writeString(tfjs.resolve("model.json"), json);
		Files.writeString(tfjs.resolve("notes.txt"), "my notes");
		assertEquals(1, train(tfjs), err());
		assertTrue(err().contains("not a Diffusion-IJ model card"), err());
		assertEquals(json, Files.readString(tfjs.resolve("model.json")));
		assertEquals("my notes", Files.readString(tfjs.resolve("notes.txt")));
		assertTrue(!Files.exists(dir.resolve("tfjs.ckpt")), "refused before training");
	}

	@Test
	void trainingIntoOneOfOurModelFoldersReplacesOnlyTheCardAndTheWeights(@TempDir final Path dir)
		throws IOException
	{
		final Path model = dir.resolve("mine");
		TinyModels.save(model);
		final String before = Files.readString(model.resolve("model.json"));
		Files.writeString(model.resolve("notes.txt"), "my notes");
		assertEquals(0, train(model), err());
		assertEquals("my notes", Files.readString(model.resolve("notes.txt")));
		assertTrue(!before.equals(Files.readString(model.resolve("model.json"))));
		sc.fiji.diffusion.model.ModelFolder.load(model, ai.djl.Device.cpu()).close();
		try (var files = Files.list(dir)) {
			assertEquals(0, files.filter(f -> f.getFileName().toString().startsWith(".")).count());
		}
	}

	@Test
	void aBadRestorationSizeIsRefusedBeforeTheBenchmarkRuns() {
		final long start = System.nanoTime();
		assertEquals(2, run("benchmark", "--restorations", "63", "--device", "cpu"));
		assertTrue(err().contains("multiple of 4 of at least 64, got 63"), err());
		assertTrue((System.nanoTime() - start) / 1e9 < 10, "refused at once");
		assertTrue(out.toString(StandardCharsets.UTF_8).isEmpty(), out.toString(StandardCharsets.UTF_8));
	}

	@Test
	void aModelFolderWithoutModelJsonSaysSo(@TempDir final Path dir) throws IOException {
		final Path empty = Files.createDirectory(dir.resolve("my-model"));
		assertEquals(1, run("sample", "--model", empty.toString(), "--output", dir.resolve("a.tif")
			.toString(), "--device", "cpu"));
		assertTrue(err().contains(empty + " holds no model.json"), err());
	}

	@Test
	void everyBadValueOfARestorationIsAUsageErrorBeforeAnythingLoads(@TempDir final Path dir) {
		// The input does not exist: a value that passed its check would end in exit 1 ("does not exist").
		final String in = dir.resolve("absent.tif").toString(), out = dir.resolve("o.tif").toString();
		final String[][] bad = { { "denoise", "--noise", "gaussian:x" }, { "denoise", "--noise",
			"poisson" }, { "denoise", "--sampler", "nope" }, { "denoise", "--tile", "-1" }, { "denoise",
				"--tile", "32" }, { "denoise", "--device", "foo" }, { "denoise", "--precision", "double" }, {
					"denoise", "--seed", "x" }, { "denoise", "--samples", "-1" }, { "inpaint", "--sampler",
						"langevin" }, { "inpaint", "--noise", "poisson-gaussian:2,x,3" }, { "inpaint",
							"--resample", "0" }, { "super-resolve", "--factor", "3" }, { "super-resolve",
								"--resample", "0" }, { "super-resolve", "--sampler", "ddim:x" } };
		for (final String[] b : bad) {
			err.reset();
			assertEquals(2, run(b[0], "--input", in, "--output", out, b[1], b[2]), String.join(" ", b) +
				": " + err());
			assertTrue(err().contains("Usage:") && !err().contains("does not exist"), err());
		}
	}

	/** The CLI in a JVM of its own, as a user starts it (DJL logs once per JVM); stdout and stderr. */
	static String child(final String... args) throws IOException, InterruptedException {
		final java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(Path.of(System
			.getProperty("java.home"), "bin", "java").toString(), "-Dai.djl.offline=true", "-cp", System
				.getProperty("java.class.path"), Main.class.getName()));
		command.addAll(java.util.List.of(args));
		final Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
		final String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertEquals(0, p.waitFor(), output);
		return output;
	}

	@Test
	void aRunShowsWhatConcernsTheUserAndDjlsLinesOnlyWhenVerbose(@TempDir final Path dir)
		throws IOException, InterruptedException
	{
		final String in = RestoreVerbTest.input16(dir, 64).toString(), out = dir.resolve("o.tif")
			.toString();
		final String quiet = child("denoise", "--input", in, "--output", out, "--noise", "gaussian:40",
			"--device", "cpu");
		assertTrue(quiet.contains("Model ") && quiet.contains("on cpu()") && quiet.contains("100%"), quiet);
		// Neither DJL's log lines nor PyTorch's warning from DJL's NDArray.set, which loaded the weights.
		assertTrue(!quiet.contains("WARN") && !quiet.contains("INFO") && !quiet.contains(
			"AutoNonVariableTypeMode"), quiet);
		final String verbose = child("denoise", "--input", in, "--output", out, "--noise", "gaussian:40",
			"--device", "cpu", "--verbose");
		assertTrue(verbose.contains("INFO ai.djl.pytorch.engine.PtEngine"), verbose);
		assertTrue(!verbose.contains("AutoNonVariableTypeMode"), verbose);
	}

	@Test
	void moreThanAThousandStepsIsAUsageError(@TempDir final Path dir) throws IOException {
		TinyModels.save(dir.resolve("tiny"));
		assertEquals(2, run("inpaint", "--input", dir.resolve("absent.tif").toString(), "--output", dir
			.resolve("o.tif").toString(), "--steps", "100000"));
		assertTrue(err().contains("at most 1000, got 100000") && err().contains("Usage:"), err());
		err.reset();
		assertEquals(2, run("sample", "--model", dir.resolve("tiny").toString(), "--output", dir.resolve(
			"o.tif").toString(), "--steps", "1001"));
		assertTrue(err().contains("at most 1000, got 1001"), err());
	}

	@Test
	void aLongRunSaysHowLongItWillTakeAfterItsFirstStep() {
		new SampleVerb.Progress(new PrintStream(err, true, StandardCharsets.UTF_8), 250).stepDone(1, 250);
		assertTrue(err().contains("0.4% after the first step: about ") && err().contains(" in all"), err());
		err.reset();
		new SampleVerb.Progress(new PrintStream(err, true, StandardCharsets.UTF_8), 50).stepDone(1, 50);
		assertEquals("  0%, about ", err().substring(0, 12), err());
	}

	@Test
	void badValuesOfSampleAndTrainAreUsageErrorsBeforeTheModelLoads(@TempDir final Path dir)
		throws IOException
	{
		TinyModels.save(dir.resolve("tiny"));
		final String model = dir.resolve("tiny").toString(), tif = dir.resolve("o.tif").toString();
		final String[][] bad = { { "--count", "0" }, { "--size", "17" }, { "--device", "foo" }, {
			"--batch", "0" }, { "--precision", "double" } };
		for (final String[] b : bad) {
			err.reset();
			assertEquals(2, run("sample", "--model", model, "--output", tif, b[0], b[1]), String.join(" ",
				b) + ": " + err());
			assertTrue(err().contains("Usage:") && !err().contains("Sampling "), err());
		}
		assertEquals(2, run("train", "--family", "gan", "--output", dir.resolve("m").toString()));
		assertTrue(err().contains("Unknown model family 'gan'"), err());
		assertEquals(2, run("train", "--family", "ddpm", "--output", dir.resolve("m").toString(),
			"--device", "foo"));
		assertTrue(!Files.exists(dir.resolve("o.tif")) && !Files.exists(dir.resolve("m")));
	}

	/** --init keeps the card's network: other widths are a usage error naming the card's, --family or not. */
	@Test
	void initWithOtherWidthsNamesTheCardsValues(@TempDir final Path dir) {
		assertEquals(2, run("train", "--init", "models/ddpm-fluo", "--widths", "64,128,256", "--output", dir
			.resolve("m").toString(), "--steps", "0"));
		assertTrue(err().contains("family ddpm, widths 32,64,128, res-blocks 1, patch 64"), err());
		assertEquals(2, run("train", "--init", "models/ddpm-fluo", "--res-blocks", "2", "--output", dir
			.resolve("m").toString(), "--steps", "0"));
		assertTrue(err().contains("res-blocks 1"), err());
		assertTrue(!Files.exists(dir.resolve("m")));
	}

	/** --res-blocks builds that many residual blocks per level, and the card says so. */
	@Test
	void resBlocksReachTheNetworkAndItsCard(@TempDir final Path dir) throws IOException {
		final Path m = dir.resolve("m");
		final String[] args = new String[TINY_TRAINING.length + 5];
		System.arraycopy(new String[] { "train", "--output", m.toString(), "--res-blocks", "2" }, 0, args, 0, 5);
		System.arraycopy(TINY_TRAINING, 0, args, 5, TINY_TRAINING.length);
		assertEquals(0, run(args), err());
		assertEquals(2, ModelFolder.card(m).network().resBlocks());
		try (NetworkDenoiser d = ModelFolder.load(m, ai.djl.Device.cpu())) {
			assertEquals(2, d.network().config().resBlocks());
		}
		assertEquals(2, run("train", "--output", dir.resolve("n").toString(), "--res-blocks", "0",
			"--family", "ddpm"));
		assertTrue(err().contains("--res-blocks must be at least 1, got 0."), err());
	}
}
