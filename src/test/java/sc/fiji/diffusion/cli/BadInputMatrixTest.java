package sc.fiji.diffusion.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.io.Opener;
import ij.process.ByteProcessor;
import ij.process.ImageProcessor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import sc.fiji.diffusion.ij.BadImages;
import sc.fiji.diffusion.model.TinyModels;

/**
 * The inputs a user gets wrong, through the command line in one JVM: each case its exit code, a
 * fragment of its message, every input file byte for byte as before, and nothing in the output
 * folder but the result of a run that succeeds (no output, no {@code .partial-} file otherwise).
 * Runs take the tiny model, two steps and images of 16 to 64 pixels.
 */
class BadInputMatrixTest {

	/** Inputs and models, shared by every case and never written to. */
	@TempDir
	static Path in;

	/** The case's outputs. */
	@TempDir
	Path out;

	private static Map<String, byte[]> before;

	/**
	 * One run: the verb and its arguments ({@code @name} is a file of the inputs, {@code %name} one of
	 * the outputs), the exit code, a fragment of the message (stderr), and for a run that succeeds a
	 * check of the output folder.
	 */
	record Case(String name, int exit, String fragment, Consumer<Path> result, String... args) {

		Case(final String name, final int exit, final String fragment, final String... args) {
			this(name, exit, fragment, null, args);
		}

		@Override
		public String toString() {
			return name;
		}
	}

	static Stream<Case> cases() {
		return Stream.of(
			// Files that are no image, or not one the program reads.
			new Case("zero-byte input", 1, "is empty", "denoise", "--input", "@zero.tif"),
			new Case("text named .tif", 1, "ImageJ cannot read", "denoise", "--input", "@text.tif"),
			new Case("missing input", 1, "does not exist", "denoise", "--input", "@absent.tif"),
			new Case("input is a folder", 1, "is a folder, not an image file", "denoise", "--input",
				"@models"),
			new Case("truncated TIFF", 1, "cut short", "denoise", "--input", "@cut.tif"),
			new Case("64-bit TIFF", 1, "convert it to 32-bit", "denoise", "--input", "@double.tif"),
			new Case("RGB input", 1, "is an RGB image", "denoise", "--input", "@rgb.tif"),
			// Pixels and sizes the restorations refuse or keep.
			new Case("all NaN", 1, "no finite pixel value", "denoise", "--input", "@nan.tif"),
			new Case("all infinite", 1, "(all NaN or infinite)", "denoise", "--input", "@inf.tif"),
			new Case("NaN and Inf pixels are kept missing", 0,
				"2 missing (NaN or infinite) pixels come back NaN", BadInputMatrixTest::missingKept,
				"denoise", "--input", "@holes.tif", "--output", "%o.tif"),
			new Case("constant", 1, "constant", "denoise", "--input", "@constant.tif"),
			new Case("constant, to super-resolve", 1, "constant", "super-resolve", "--input",
				"@constant.tif", "--factor", "2"),
			new Case("tiny 8 x 8", 1, "at least 16 x 16", "denoise", "--input", "@tiny.tif"),
			new Case("sliver 64 x 2", 1, "64 x 2 pixels", "denoise", "--input", "@sliver.tif"),
			new Case("no usable neighbourhood: the advice in this syntax", 1, "--noise gaussian:SIGMA",
				"denoise", "--input", "@grid.tif"),
			new Case("4-D hyperstack keeps its layout", 0, "", BadInputMatrixTest::hyperstackKept,
				"denoise", "--input", "@hyper.tif", "--output", "%o.tif"),
			new Case("4-D hyperstack with a one-plane mask", 0, "", BadInputMatrixTest::hyperstackKept,
				"inpaint", "--input", "@hyper.tif", "--mask", "@mask32.tif", "--output", "%o.tif"),
			// Masks.
			new Case("mask of another size", 1, "mask of the image's size", "inpaint", "--input",
				"@in.tif", "--mask", "@mask16.tif"),
			new Case("mask with NaN", 1, "The mask has 3 NaN pixels", "inpaint", "--input", "@in.tif",
				"--mask", "@masknan.tif"),
			new Case("mask covering everything", 1, "covers every pixel", "inpaint", "--input", "@in.tif",
				"--mask", "@maskfull.tif"),
			new Case("empty mask", 1, "Nothing to inpaint", "inpaint", "--input", "@in.tif", "--mask",
				"@maskempty.tif"),
			new Case("missing mask", 1, "does not exist", "inpaint", "--input", "@in.tif", "--mask",
				"@absent.tif"),
			new Case("zero-byte mask", 1, "is empty", "inpaint", "--input", "@in.tif", "--mask",
				"@zero.tif"),
			new Case("RGB input to inpaint", 1, "is an RGB image", "inpaint", "--input", "@rgb.tif"),
			// Options.
			new Case("unknown option", 2, "Unknown option --colour", "denoise", "--input", "@in.tif",
				"--colour", "red"),
			new Case("no input", 2, "Option --input is required", "denoise"),
			new Case("option without value", 2, "Option --seed needs a value", "denoise", "--input",
				"@in.tif", "--seed"),
			new Case("output not a TIFF", 2, "must name a .tif file", "denoise", "--input", "@in.tif",
				"--output", "%o.png"),
			new Case("output is the input", 2, "never overwritten", "denoise", "--input", "@in.tif",
				"--output", "@in.tif"),
			new Case("negative steps", 2, "0 (the task's default) or 1 to 1000", "inpaint", "--input", "@in.tif",
				"--steps", "-1"),
			new Case("std of denoising's posterior mean", 2, "the posterior mean of denoising has none",
				"denoise", "--input", "@in.tif", "--std", "%s.tif"),
			new Case("too many steps", 2, "at most 1000", "inpaint", "--input", "@in.tif", "--steps",
				"1001"),
			new Case("tile below the patch", 2, "use tiles of at least 16 pixels (--tile 16)", "denoise",
				"--input", "@in.tif", "--tile", "8"),
			new Case("std of one sample", 2, "set --samples 2 or more", "denoise", "--input", "@in.tif",
				"--samples", "1", "--std", "%s.tif"),
			new Case("negative noise", 2, "must be zero or positive", "denoise", "--input", "@in.tif",
				"--noise", "gaussian:-1"),
			new Case("unknown noise", 2, "Unknown noise model 'poisson'", "denoise", "--input", "@in.tif",
				"--noise", "poisson"),
			new Case("a sampler inpainting cannot run", 2, "use --sampler ddpm or --sampler ddim:ETA",
				"inpaint", "--input", "@in.tif", "--sampler", "langevin"),
			new Case("factor 3", 2, "2 or 4", "super-resolve", "--input", "@in.tif", "--factor", "3"),
			new Case("seed not a number", 2, "must be a whole number", "denoise", "--input", "@in.tif",
				"--seed", "x"),
			new Case("half precision on the CPU", 2, "Use --precision auto or --precision float",
				"denoise", "--input", "@in.tif", "--precision", "half"),
			// Models.
			new Case("model not installed", 1, "No model", "denoise", "--input", "@in.tif", "--model",
				"no-such-model"),
			new Case("corrupted weights", 1, "corrupted", "denoise", "--input", "@in.tif", "--model",
				"@corrupted"),
			new Case("weights of another network", 1, "in the network the card describes", "denoise", "--input", "@in.tif",
				"--model", "@mismatched"),
			new Case("model card not JSON", 1, "is not valid JSON", "denoise", "--input", "@in.tif",
				"--model", "@badcard"),
			new Case("model without weights", 1, "has no weights.bin", "denoise", "--input", "@in.tif",
				"--model", "@noweights"),
			new Case("folder without a model card", 1, "holds no model.json", "denoise", "--input",
				"@in.tif", "--model", "@models"),
			// Devices.
			new Case("no GPU", 1, "No GPU is visible to PyTorch on this machine: use --device cpu",
				"denoise", "--input", "@in.tif", "--device", "gpu"),
			new Case("no such GPU", 1, "There is no GPU 3", "denoise", "--input", "@in.tif", "--device",
				"gpu:3"),
			// Outputs and paths.
			new Case("output is a folder", 1, "is a folder: give the name of a file", "denoise",
				"--input", "@in.tif", "--output", "@folder.tif"),
			new Case("a failed run keeps an existing output", 1, "constant",
				BadInputMatrixTest::oldOutputKept, "denoise", "--input", "@constant.tif", "--output",
				"%old.tif"),
			new Case("paths with spaces and non-ASCII characters", 0, "", d -> assertTrue(Files.exists(d
				.resolve("résultat final.tif"))), "inpaint", "--input", "@dossier ü/image à voir.tif",
				"--mask", "@dossier ü/masque n°1.tif", "--output", "%résultat final.tif"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("cases")
	void eachCaseSaysWhatIsWrongAndLosesNothing(final Case c) throws IOException {
		if (List.of(c.args()).contains("%old.tif")) Files.writeString(out.resolve("old.tif"), "old");
		final List<String> args = new ArrayList<>(List.of(c.args()));
		final String verb = args.remove(0);
		final List<String> all = new ArrayList<>(List.of(verb, "--model", "@tiny", "--device", "cpu",
			"--steps", "2", "--output", "%out.tif"));
		all.addAll(args);
		final String[] resolved = all.stream().map(this::path).toArray(String[]::new);
		final ByteArrayOutputStream err = new ByteArrayOutputStream();
		final int exit = Main.run(resolved, new PrintStream(new ByteArrayOutputStream(), true,
			StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
		final String message = err.toString(StandardCharsets.UTF_8);
		assertEquals(c.exit(), exit, message);
		assertTrue(message.contains(c.fragment()), message);
		assertFalse(message.contains("\tat "), "a stack trace: " + message);
		if (exit != 0) assertFalse(message.contains("noise=") || message.contains("tile=") || message
			.contains("samples=") || message.contains("sampler=") || message.contains("device=") ||
			message.contains("precision="), "advice in macro syntax: " + message);
		assertEquals(before.keySet(), files(in).keySet(), "the inputs");
		files(in).forEach((name, bytes) -> assertArrayEquals(before.get(name), bytes, name));
		if (c.result() != null) c.result().accept(out);
		else assertEquals(List.of(), List.copyOf(files(out).keySet()), "nothing is written");
		try (Stream<Path> s = Files.walk(out)) {
			assertTrue(s.noneMatch(p -> p.getFileName().toString().contains(".partial-")), "a temporary " +
				"file is left");
		}
	}

	private String path(final String arg) {
		if (arg.startsWith("@")) return in.resolve(arg.substring(1)).toString();
		if (arg.startsWith("%")) return out.resolve(arg.substring(1)).toString();
		return arg;
	}

	/** A run that failed where an output of its name exists (written "old" first): it is kept. */
	private static void oldOutputKept(final Path d) {
		try {
			assertEquals(List.of("old.tif"), List.copyOf(files(d).keySet()));
			assertEquals("old", Files.readString(d.resolve("old.tif")));
		}
		catch (final IOException e) {
			throw new AssertionError(e);
		}
	}

	/** Every file under a folder, by its relative path, with its bytes. */
	static Map<String, byte[]> files(final Path dir) throws IOException {
		final Map<String, byte[]> m = new TreeMap<>();
		try (Stream<Path> s = Files.walk(dir)) {
			for (final Path p : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
				m.put(dir.relativize(p).toString(), Files.readAllBytes(p));
			}
		}
		return m;
	}

	private static ImagePlus result(final Path dir) {
		final ImagePlus imp = new Opener().openImage(dir.resolve("o.tif").toString());
		assertTrue(imp != null, "no result");
		return imp;
	}

	private static void missingKept(final Path dir) {
		final float[] r = (float[]) result(dir).getProcessor().getPixels();
		assertTrue(Float.isNaN(r[5]) && Float.isNaN(r[40]), "a missing pixel comes back missing");
		assertTrue(Float.isFinite(r[6]), "a known pixel comes back known");
	}

	private static void hyperstackKept(final Path dir) {
		final ImagePlus r = result(dir);
		assertEquals(List.of(2, 3, 2), List.of(r.getNChannels(), r.getNSlices(), r.getNFrames()));
		assertEquals(32, r.getBitDepth());
	}

	private static Path save(final String name, final ImageProcessor... planes) {
		final ImageStack st = new ImageStack(planes[0].getWidth(), planes[0].getHeight());
		for (final ImageProcessor p : planes) st.addSlice(p);
		final Path f = in.resolve(name);
		final FileSaver s = new FileSaver(new ImagePlus(name, st));
		assertTrue(planes.length == 1 ? s.saveAsTiff(f.toString()) : s.saveAsTiffStack(f.toString()));
		return f;
	}

	@BeforeAll
	static void inputs() throws IOException {
		RestoreVerbTest.input16(in, 32);
		Files.write(in.resolve("zero.tif"), new byte[0]);
		Files.writeString(in.resolve("text.tif"), "These are my notes, not an image.\n");
		final byte[] full = Files.readAllBytes(RestoreVerbTest.input16(Files.createDirectories(in
			.resolve("tmp")), 64));
		Files.write(in.resolve("cut.tif"), Arrays.copyOf(full, full.length / 2));
		sc.fiji.diffusion.ij.ImageJFilesTest.floatTiff(in.resolve("double.tif"), 16, 16, 64);
		save("rgb.tif", BadImages.rgb());
		save("nan.tif", BadImages.filled(Float.NaN));
		save("inf.tif", BadImages.filled(Float.POSITIVE_INFINITY));
		save("holes.tif", BadImages.holes());
		save("constant.tif", BadImages.filled(100));
		save("tiny.tif", BadImages.noisy(8, 8, 2));
		save("sliver.tif", BadImages.noisy(64, 2, 3));
		save("grid.tif", BadImages.grid());
		final ImageProcessor[] planes = new ImageProcessor[12];
		for (int i = 0; i < planes.length; i++) planes[i] = BadImages.noisy(32, 32, 10 + i);
		final Path hyper = save("hyper.tif", planes);
		final ImagePlus h = new Opener().openImage(hyper.toString());
		h.setDimensions(2, 3, 2);
		h.setOpenAsHyperStack(true);
		assertTrue(new FileSaver(h).saveAsTiffStack(hyper.toString()));
		save("mask32.tif", BadImages.rectangle(32));
		save("mask16.tif", BadImages.rectangle(16));
		save("masknan.tif", BadImages.nanMask());
		save("maskfull.tif", BadImages.fullMask());
		save("maskempty.tif", new ByteProcessor(32, 32));
		final Path intl = Files.createDirectories(in.resolve("dossier ü"));
		Files.move(RestoreVerbTest.input16(intl, 32), intl.resolve("image à voir.tif"));
		Files.move(save("m.tif", BadImages.rectangle(32)), intl.resolve("masque n°1.tif"));
		TinyModels.saveWithBrokenCopies(in);
		Files.createDirectories(in.resolve("models"));
		Files.createDirectories(in.resolve("folder.tif"));
		try (Stream<Path> s = Files.walk(in.resolve("tmp"))) {
			for (final Path p : (Iterable<Path>) s.sorted(java.util.Comparator.reverseOrder())::iterator) {
				Files.delete(p);
			}
		}
		before = files(in);
	}
}
