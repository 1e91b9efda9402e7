package sc.fiji.diffusion.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.io.FileSaver;
import ij.io.Opener;
import ij.process.FloatProcessor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each macro of macros/ on small generated images, headless, as a user would run it. */
class ExampleMacrosTest {

	@TempDir
	Path work;

	static String macro(final String name) throws Exception {
		return Files.readString(Paths.get("macros", name));
	}

	/** A 64 x 64 noisy 16-bit image of blobs, pixel size 0.1 micron. */
	static Path cell(final Path file, final long seed) {
		final Random r = new Random(seed);
		final FloatProcessor fp = new FloatProcessor(64, 64);
		final double[][] blobs = new double[6][];
		for (int b = 0; b < blobs.length; b++) blobs[b] = new double[] { r.nextDouble() * 64, r
			.nextDouble() * 64, 3 + 4 * r.nextDouble() };
		for (int y = 0; y < 64; y++) {
			for (int x = 0; x < 64; x++) {
				double v = 100;
				for (final double[] b : blobs) v += 800 * Math.exp(-((x - b[0]) * (x - b[0]) + (y - b[1]) * (y -
					b[1])) / (2 * b[2] * b[2]));
				fp.setf(x, y, (float) (v + 30 * r.nextGaussian()));
			}
		}
		final ImagePlus imp = new ImagePlus(file.getFileName().toString(), fp.convertToShortProcessor(
			false));
		imp.getCalibration().pixelWidth = 0.1;
		imp.getCalibration().pixelHeight = 0.1;
		imp.getCalibration().setUnit("micron");
		new FileSaver(imp).saveAsTiff(file.toString());
		return file;
	}

	@Test
	void restoreTheActiveImage() throws Exception {
		final Path in = cell(work.resolve("cell.tif"), 1);
		final ImageJMacro.Run r = ImageJMacro.run(work, macro("restore_active_image.ijm"), in.toString());
		assertEquals(0, r.exit(), r.output());
		assertTrue(r.output().contains("Restored: cell-denoised"), r.output());
		assertTrue(r.output().contains("(estimated)"), r.output());
	}

	@Test
	void batchRestoreAFolderAndContinueWhereItStopped() throws Exception {
		final Path in = Files.createDirectories(work.resolve("raw images"));
		final Path out = Files.createDirectories(work.resolve("restored"));
		cell(in.resolve("a.tif"), 2);
		cell(in.resolve("b.tif"), 3);
		Files.writeString(in.resolve("notes.txt"), "not an image");
		// An RGB image is skipped with a message instead of stopping the batch; a subfolder is named.
		new FileSaver(new ImagePlus("rgb", new ij.process.ColorProcessor(32, 32))).saveAsTiff(in.resolve(
			"m_rgb.tif").toString());
		cell(Files.createDirectories(in.resolve("sub")).resolve("d.tif"), 6);
		final String arg = "input=[" + in + "] output=[" + out + "]";
		final ImageJMacro.Run r = ImageJMacro.run(work, macro("batch_restore_folder.ijm"), arg);
		assertEquals(0, r.exit(), r.output());
		assertTrue(r.output().contains("Restored 2 image(s)") && r.output().contains("skipped 1"), r
			.output());
		assertTrue(r.output().contains("Skipped m_rgb.tif: an RGB image"), r.output());
		assertTrue(r.output().contains("1 subfolder(s)"), r.output());
		final List<String> written;
		try (Stream<Path> s = Files.list(out)) {
			written = s.map(p -> p.getFileName().toString()).sorted().toList();
		}
		assertEquals(List.of("a.tif", "b.tif"), written);
		final ImagePlus a = new Opener().openImage(out.resolve("a.tif").toString());
		assertEquals(32, a.getBitDepth());
		assertEquals(64, a.getWidth());
		assertEquals(0.1, a.getCalibration().pixelWidth, 1e-9);
		final ImageJMacro.Run again = ImageJMacro.run(work, macro("batch_restore_folder.ijm"), arg);
		assertEquals(0, again.exit(), again.output());
		assertTrue(again.output().contains("Restored 0 image(s)"), again.output());
	}

	@Test
	void inpaintWithAMask() throws Exception {
		final Path in = cell(work.resolve("cell.tif"), 4);
		final FloatProcessor holes = new FloatProcessor(64, 64);
		for (int y = 20; y < 30; y++) for (int x = 10; x < 40; x++) holes.setf(x, y, 1);
		// The usual layout: the mask has the image's file name in another folder.
		final Path mask = java.nio.file.Files.createDirectories(work.resolve("masks")).resolve("cell.tif");
		new FileSaver(new ImagePlus("holes", holes)).saveAsTiff(mask.toString());
		final ImageJMacro.Run r = ImageJMacro.run(work, macro("inpaint_with_mask.ijm"), "image=" + in +
			" mask=" + mask);
		assertEquals(0, r.exit(), r.output());
		assertTrue(r.output().contains("Inpainted: cell-inpainted"), r.output());
	}

	@Test
	void superResolutionWithAnUncertaintyMap() throws Exception {
		final Path in = cell(work.resolve("cell.tif"), 5);
		final ImageJMacro.Run r = ImageJMacro.run(work, macro("super_resolution_with_uncertainty.ijm"), in
			.toString());
		assertEquals(0, r.exit(), r.output());
		assertTrue(r.output().contains("Super-resolved: cell-x2, 128 x 128, pixel 0.05 micron"), r
			.output());
	}
}
