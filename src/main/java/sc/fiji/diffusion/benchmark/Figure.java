package sc.fiji.diffusion.benchmark;

import ij.ImagePlus;
import ij.process.ColorProcessor;

import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;

import sc.fiji.diffusion.ij.ImageJFiles;

/** A row of labelled grey panels (input, classical, ours, uncertainty, truth) as one PNG. */
final class Figure {

	private Figure() {}

	/**
	 * @param panels images of equal size, or null for an empty panel
	 * @param ranges display range (min, max) per panel
	 */
	static void write(final Path file, final String[] labels, final float[][] panels,
		final double[][] ranges, final int w, final int h) throws IOException
	{
		final int gap = 4, top = 18;
		final ColorProcessor cp = new ColorProcessor(panels.length * (w + gap) - gap, h + top);
		cp.setColor(Color.WHITE);
		cp.fill();
		cp.setColor(Color.BLACK);
		// A headless machine without the font libraries (libharfbuzz, as on the lent GPU machine)
		// cannot draw text: the figure then comes without its labels rather than not at all.
		boolean text = true;
		try {
			cp.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
			cp.setAntialiasedText(true);
		}
		catch (final LinkageError | InternalError e) {
			text = false;
		}
		for (int k = 0; k < panels.length; k++) {
			final int ox = k * (w + gap);
			if (text) cp.drawString(labels[k], ox + 2, top - 3);
			if (panels[k] == null) continue;
			final double lo = ranges[k][0], hi = ranges[k][1];
			for (int y = 0; y < h; y++) {
				for (int x = 0; x < w; x++) {
					final float v = panels[k][y * w + x];
					final int g = Float.isFinite(v) ? (int) Math.round(255 * Math.max(0, Math.min(1, (v - lo) /
						(hi - lo)))) : 0;
					// Missing pixels (NaN) in red, so holes show.
					cp.set(ox + x, top + y, Float.isFinite(v) ? (g << 16) | (g << 8) | g : 0xC00000);
				}
			}
		}
		ImageJFiles.savePng(new ImagePlus(file.getFileName().toString(), cp), file);
	}
}
