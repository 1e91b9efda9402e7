package sc.fiji.diffusion.cli;

import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.io.Opener;
import ij.process.ByteProcessor;
import ij.process.FloatProcessor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import sc.fiji.diffusion.engine.TensorFile;

/** TIFF and PNG files through ImageJ 1.x, each written to a temporary name and then moved. */
final class ImageFiles {

	private ImageFiles() {}

	/** A 32-bit stack, one slice per image. */
	static void writeTiff(final float[][] images, final int width, final int height, final Path file)
		throws IOException
	{
		final ImageStack stack = new ImageStack(width, height);
		for (final float[] im : images) stack.addSlice(new FloatProcessor(width, height, im.clone()));
		final ImagePlus imp = new ImagePlus(file.getFileName().toString(), stack);
		imp.setDisplayRange(0, 1);
		writeTiff(imp, file);
	}

	/** Any image as TIFF (hyperstack layout and calibration kept). */
	static void writeTiff(final ImagePlus imp, final Path file) throws IOException {
		final Path tmp = temporary(file, ".tif");
		try {
			final FileSaver saver = new FileSaver(imp);
			final boolean ok = imp.getStackSize() > 1 ? saver.saveAsTiffStack(tmp.toString()) : saver
				.saveAsTiff(tmp.toString());
			if (!ok) throw new IOException("Could not write " + file + ".");
			TensorFile.moveIntoPlace(tmp, file);
		}
		finally {
			Files.deleteIfExists(tmp);
		}
	}

	/** Images side by side in a grid (columns x rows), 8-bit, values in [0, 1] mapped to 0-255. */
	static void writePngGrid(final float[][] images, final int size, final int columns,
		final Path file) throws IOException
	{
		final int rows = (images.length + columns - 1) / columns, gap = 2;
		final int w = columns * size + (columns - 1) * gap, h = rows * size + (rows - 1) * gap;
		final ByteProcessor bp = new ByteProcessor(w, h);
		bp.setValue(255);
		bp.fill();
		for (int k = 0; k < images.length; k++) {
			final int ox = (k % columns) * (size + gap), oy = (k / columns) * (size + gap);
			for (int y = 0; y < size; y++) {
				for (int x = 0; x < size; x++) {
					final double v = Math.max(0, Math.min(1, images[k][y * size + x]));
					bp.set(ox + x, oy + y, (int) Math.round(v * 255));
				}
			}
		}
		final Path tmp = temporary(file, ".png");
		try {
			if (!new FileSaver(new ImagePlus(file.getFileName().toString(), bp)).saveAsPng(tmp
				.toString()))
			{
				throw new IOException("Could not write " + file + ".");
			}
			TensorFile.moveIntoPlace(tmp, file);
		}
		finally {
			Files.deleteIfExists(tmp);
		}
	}

	/** Opens an image file; null when ImageJ cannot read it. */
	static ImagePlus open(final Path file) {
		return new Opener().openImage(file.toString());
	}

	private static Path temporary(final Path file, final String suffix) throws IOException {
		final Path dir = file.toAbsolutePath().getParent();
		Files.createDirectories(dir);
		return Files.createTempFile(dir, "." + file.getFileName().toString(), suffix);
	}
}
