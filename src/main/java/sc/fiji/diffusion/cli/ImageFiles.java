package sc.fiji.diffusion.cli;

import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ByteProcessor;
import ij.process.FloatProcessor;

import java.io.IOException;
import java.nio.file.Path;

import sc.fiji.diffusion.ij.ImageJFiles;

/** Samples as a TIFF stack and as a PNG grid, written through {@link ImageJFiles}. */
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
		ImageJFiles.saveTiff(imp, file);
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
		ImageJFiles.savePng(new ImagePlus(file.getFileName().toString(), bp), file);
	}
}
