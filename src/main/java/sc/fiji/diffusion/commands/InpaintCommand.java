package sc.fiji.diffusion.commands;

import ij.ImagePlus;
import ij.WindowManager;
import ij.gui.Roi;
import ij.process.ImageProcessor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImgs;

import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import sc.fiji.diffusion.ij.ImageJFiles;
import sc.fiji.diffusion.ij.ImagePlusImgs;
import sc.fiji.diffusion.restore.Inpaint;
import sc.fiji.diffusion.restore.NoiseModel;
import sc.fiji.diffusion.restore.RestoreOptions;
import sc.fiji.diffusion.restore.Result;

/**
 * Plugins > Diffusion > Inpaint (Diffusion). Missing pixels: non-zero pixels of the mask image (a
 * title, so that a macro records and replays it), else the image's selection, else its NaN pixels.
 */
@Plugin(type = Command.class, menuPath = "Plugins>Diffusion>Inpaint (Diffusion)", headless = true)
public class InpaintCommand extends RestoreCommand {

	@Override
	protected sc.fiji.diffusion.restore.Defaults.Task task() {
		return sc.fiji.diffusion.restore.Defaults.Task.INPAINT;
	}

	@Parameter(label = "Mask", required = false, persist = false, description = "Title of an open " +
		"mask image or path of a mask file (non-zero = missing), of the image's size or of one plane. Empty: the image's " +
		"selection; without one, its NaN pixels.")
	private String mask = "";


	@Override
	protected String suffix() {
		return "inpainted";
	}

	@Override
	protected void check() {
		Inpaint.check(sampler);
	}

	@Override
	@SuppressWarnings({ "unchecked", "rawtypes" })
	protected Result restore(final RandomAccessibleInterval img, final int channelAxis,
		final NoiseModel noiseModel, final RestoreOptions options)
	{
		return Inpaint.run(img, missing(), channelAxis, noiseModel, options);
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	private RandomAccessibleInterval missing() {
		if (mask != null && !mask.isBlank()) {
			ImagePlus m = WindowManager.getImage(mask.trim());
			if (m == null && Files.isRegularFile(Paths.get(mask.trim()))) {
				try {
					m = ImageJFiles.open(Paths.get(mask.trim()));
				}
				catch (final IOException e) {
					throw new IllegalArgumentException("The mask: " + e.getMessage(), e);
				}
			}
			if (m == null) {
				throw new IllegalArgumentException("No mask image titled \"" + mask + "\" is open, and no " +
					"such file: open the mask or give its path, or leave mask empty to use the image's " +
					"selection or its NaN pixels.");
			}
			return ImagePlusImgs.wrapMask(m, this::info);
		}
		final Roi roi = image.getRoi();
		if (roi == null || !roi.isArea()) return null;
		final ImageProcessor inside = image.createRoiMask();
		final byte[] pixels = (byte[]) inside.getPixels();
		info("Inpainting the selection of " + image.getTitle() + " (" + roi.getStatistics().pixelCount +
			" pixels per plane)");
		return ArrayImgs.unsignedBytes(pixels, image.getWidth(), image.getHeight());
	}
}
