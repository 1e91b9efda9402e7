package sc.fiji.diffusion.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.io.FileSaver;
import ij.io.Opener;
import ij.process.ShortProcessor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.diffusion.engine.data.SyntheticScenes;

/** The restoration verbs on files, with the shipped DDPM model and few steps. */
class RestoreVerbTest {

	private final ByteArrayOutputStream err = new ByteArrayOutputStream();

	private int run(final String... args) {
		return Main.run(args, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
			new PrintStream(err, true, StandardCharsets.UTF_8));
	}

	/** A 16-bit calibrated image with camera-like noise. */
	static Path input16(final Path dir, final int n) {
		final float[] c = SyntheticScenes.scene(SyntheticScenes.Kind.PUNCTA, n, n, 2);
		final short[] s = new short[c.length];
		final java.util.Random r = new java.util.Random(3);
		for (int i = 0; i < s.length; i++) s[i] = (short) Math.round(c[i] * 2000 + 300 + 40 * r
			.nextGaussian());
		final ImagePlus imp = new ImagePlus("in", new ShortProcessor(n, n, s, null));
		imp.getCalibration().pixelWidth = 0.2;
		imp.getCalibration().pixelHeight = 0.2;
		imp.getCalibration().setUnit("um");
		final Path p = dir.resolve("in.tif");
		new FileSaver(imp).saveAsTiff(p.toString());
		return p;
	}

	@Test
	void denoiseReadsSixteenBitAndWritesThirtyTwoBitWithTheCalibration(@TempDir final Path dir) {
		final Path in = input16(dir, 64), out = dir.resolve("out.tif");
		assertEquals(0, run("denoise", "--input", in.toString(), "--output", out.toString(), "--device",
			"cpu"), err.toString());
		final ImagePlus r = new Opener().openImage(out.toString());
		assertEquals(32, r.getBitDepth());
		assertEquals(64, r.getWidth());
		assertEquals(0.2, r.getCalibration().pixelWidth, 1e-9);
		assertEquals("um", r.getCalibration().getUnit().replace("\u00B5", "u").replace("micron", "um"));
		assertTrue(err.toString().contains("(estimated)"), err.toString());
	}

	@Test
	void superResolutionDividesThePixelSizeByTheFactor(@TempDir final Path dir) {
		final Path in = input16(dir, 32), out = dir.resolve("sr.tif");
		assertEquals(0, run("super-resolve", "--input", in.toString(), "--factor", "2", "--output", out
			.toString(), "--steps", "4", "--device", "cpu"), err.toString());
		final ImagePlus r = new Opener().openImage(out.toString());
		assertEquals(64, r.getWidth());
		assertEquals(0.1, r.getCalibration().pixelWidth, 1e-9);
	}

	@Test
	void theInputIsNeverTheOutput(@TempDir final Path dir) throws IOException {
		final Path in = input16(dir, 32);
		final byte[] before = Files.readAllBytes(in);
		assertEquals(2, run("denoise", "--input", in.toString(), "--output", in.toString()));
		assertTrue(err.toString().contains("never overwritten"), err.toString());
		assertArrayEquals(before, Files.readAllBytes(in));
	}

	@Test
	void resamplingRoundsAreAnOptionOfTheInverseProblems(@TempDir final Path dir) {
		final Path in = input16(dir, 32);
		assertEquals(0, run("super-resolve", "--input", in.toString(), "--factor", "2", "--output", dir
			.resolve("a.tif").toString(), "--steps", "3", "--resample", "2", "--device", "cpu"), err
				.toString());
		assertEquals(2, run("super-resolve", "--input", in.toString(), "--factor", "2", "--output", dir
			.resolve("b.tif").toString(), "--steps", "3", "--resample", "0", "--device", "cpu"));
		assertTrue(err.toString().contains("at least 1"), err.toString());
		assertEquals(2, run("denoise", "--input", in.toString(), "--output", dir.resolve("c.tif")
			.toString(), "--resample", "2"));
	}

	@Test
	void factorThreeIsRefused(@TempDir final Path dir) {
		final Path in = input16(dir, 32);
		assertEquals(2, run("super-resolve", "--input", in.toString(), "--factor", "3", "--output", dir
			.resolve("o.tif").toString(), "--device", "cpu"));
		assertTrue(err.toString().contains("2 or 4"), err.toString());
		assertTrue(!Files.exists(dir.resolve("o.tif")));
	}

	/** An RGB mask (a selection painted in colour): any non-zero colour marks a missing pixel. */
	@Test
	void anRgbMaskIsTakenWithANote(@TempDir final Path dir) {
		final Path in = input16(dir, 32), out = dir.resolve("o.tif"), mask = dir.resolve("m.tif");
		final ij.process.ColorProcessor cp = new ij.process.ColorProcessor(32, 32);
		for (int y = 10; y < 14; y++) for (int x = 5; x < 20; x++) cp.set(x, y, 0x00ff00);
		cp.set(1, 1, 0x000001);
		new FileSaver(new ImagePlus("m", cp)).saveAsTiff(mask.toString());
		assertEquals(0, run("inpaint", "--input", in.toString(), "--mask", mask.toString(), "--output", out
			.toString(), "--steps", "3", "--device", "cpu"), err.toString());
		assertTrue(err.toString().contains("is RGB") && err.toString().contains("61 pixels"), err
			.toString());
		final float[] a = (float[]) new Opener().openImage(in.toString()).getProcessor().convertToFloat()
			.getPixels(), b = (float[]) new Opener().openImage(out.toString()).getProcessor().getPixels();
		for (int i = 0; i < a.length; i++) {
			final boolean hole = i == 33 || i / 32 >= 10 && i / 32 < 14 && i % 32 >= 5 && i % 32 < 20;
			if (!hole) assertEquals(a[i], b[i], 0f, "known pixel " + i);
		}
		assertTrue(b[33] != a[33] || b[11 * 32 + 10] != a[11 * 32 + 10], "the holes were filled");
	}

	private String err() {
		return err.toString(StandardCharsets.UTF_8);
	}

	@Test
	void aTruncatedTiffIsAnErrorAndNothingIsWritten(@TempDir final Path dir) throws IOException {
		final Path in = input16(dir, 64), out = dir.resolve("out.tif");
		final byte[] full = Files.readAllBytes(in);
		Files.write(in, java.util.Arrays.copyOf(full, full.length / 2));
		assertEquals(1, run("denoise", "--input", in.toString(), "--output", out.toString(), "--device",
			"cpu"), err());
		assertTrue(err().contains(in.toString()) && err().contains("cut short") && err().contains("are " +
			"missing"), err());
		assertFalse(Files.exists(out));
	}

	@Test
	void anOutputThatCannotBeWrittenIsRefusedBeforeTheWorkNamingItAndWhy(@TempDir final Path dir)
		throws IOException
	{
		final Path in = input16(dir, 32);
		// An output that is an existing folder.
		final Path folder = Files.createDirectory(dir.resolve("result.tif"));
		assertEquals(1, run("denoise", "--input", in.toString(), "--output", folder.toString(),
			"--device", "cpu"));
		assertTrue(err().contains("The output " + folder + " is a folder"), err());
		// A folder nobody may write into, root included (/sys on Linux).
		boolean writable = true;
		try {
			Files.delete(Files.createTempFile(Path.of("/sys"), "probe", ""));
		}
		catch (final IOException e) {
			writable = e instanceof java.nio.file.NoSuchFileException;
		}
		org.junit.jupiter.api.Assumptions.assumeFalse(writable, "needs Linux's read-only /sys");
		err.reset();
		assertEquals(1, run("denoise", "--input", in.toString(), "--output", "/sys/out.tif", "--device",
			"cpu"));
		assertTrue(err().contains("Cannot write /sys/out.tif: permission denied in /sys"), err());
		assertFalse(err().contains(".partial-"), err());
		// Before the work: no model was loaded.
		assertFalse(err().contains("Model "), err());
	}

	@Test
	void anInputThatIsAFolderOrA64BitTiffSaysWhatIsWrong(@TempDir final Path dir) throws IOException {
		assertEquals(1, run("denoise", "--input", dir.toString(), "--output", dir.resolve("o.tif")
			.toString(), "--device", "cpu"));
		assertTrue(err().contains(dir + " is a folder, not an image file"), err());
		final Path d = sc.fiji.diffusion.ij.ImageJFilesTest.floatTiff(dir.resolve("d.tif"), 16, 16, 64);
		err.reset();
		assertEquals(1, run("denoise", "--input", d.toString(), "--output", dir.resolve("o.tif")
			.toString(), "--device", "cpu"));
		assertTrue(err().contains("64-bit pixels, which are not read: convert it to 32-bit"), err());
	}

	/**
	 * A signed 16-bit camera image with most values below 0 (ImageJ stores it with an offset of 32768
	 * and a calibration), denoised with noise auto: the output's mean stays the input's, and no value
	 * is shared by more than 1% of the pixels (79% came back as exactly 0 before).
	 */
	@Test
	void aSigned16BitImageMostlyBelowZeroKeepsItsValues(@TempDir final Path dir) {
		final int n = 128;
		final float[] c = SyntheticScenes.scene(SyntheticScenes.Kind.NUCLEI, n, n, 8);
		final java.util.SplittableRandom r = new java.util.SplittableRandom(8);
		final short[] s = new short[n * n];
		final double[] signed = new double[n * n];
		for (int i = 0; i < s.length; i++) {
			// 30 to 430 electrons: shot noise as a normal of the mean's variance, gain 2, read noise 3.
			final double e = 30 + 400 * c[i];
			signed[i] = Math.round(2 * (e + Math.sqrt(e) * r.nextGaussian()) + 3 * r.nextGaussian() - 600);
			s[i] = (short) (signed[i] + 32768);
		}
		final ImagePlus imp = new ImagePlus("signed", new ShortProcessor(n, n, s, null));
		imp.getCalibration().setSigned16BitCalibration();
		final Path in = dir.resolve("signed.tif"), out = dir.resolve("o.tif");
		new FileSaver(imp).saveAsTiff(in.toString());
		assertEquals(0, run("denoise", "--input", in.toString(), "--output", out.toString(), "--device",
			"cpu"), err());
		final float[] o = (float[]) new Opener().openImage(out.toString()).getProcessor().getPixels();
		double inMean = 0, outMean = 0, lo = Double.MAX_VALUE, hi = -Double.MAX_VALUE;
		int below = 0;
		for (int i = 0; i < o.length; i++) {
			inMean += signed[i] / o.length;
			outMean += o[i] / o.length;
			lo = Math.min(lo, signed[i]);
			hi = Math.max(hi, signed[i]);
			if (signed[i] < 0) below++;
		}
		assertTrue(below > o.length / 2, "mostly negative: " + below);
		assertEquals(inMean, outMean, 0.01 * (hi - lo), err());
		final java.util.Map<Float, Integer> counts = new java.util.HashMap<>();
		for (final float v : o) counts.merge(v, 1, Integer::sum);
		assertTrue(counts.values().stream().max(Integer::compare).orElse(0) <= o.length / 100, err());
	}

	/** A run that fails leaves no folder behind that it would have made for its output. */
	@Test
	void aFailedRunMakesNoOutputFolder(@TempDir final Path dir) {
		final Path out = dir.resolve("new").resolve("sub").resolve("o.tif");
		assertEquals(1, run("denoise", "--input", dir.resolve("missing.tif").toString(), "--output", out
			.toString(), "--device", "cpu"));
		assertTrue(!Files.exists(dir.resolve("new")), err());
	}
}
