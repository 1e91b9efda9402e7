package sc.fiji.diffusion.cli;

import ij.ImagePlus;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Paths;
import java.util.Set;

import net.imglib2.RandomAccessibleInterval;

import sc.fiji.diffusion.ij.ImageJFiles;
import sc.fiji.diffusion.ij.ImagePlusImgs;
import sc.fiji.diffusion.restore.Inpaint;
import sc.fiji.diffusion.restore.NoiseModel;
import sc.fiji.diffusion.restore.RestoreOptions;
import sc.fiji.diffusion.restore.Result;

/** {@code inpaint --input IN --mask MASK --output OUT}: non-zero mask pixels (or NaN) are filled. */
final class InpaintVerb extends RestoreVerb {

	@Override
	Set<String> extraKeys() {
		return Set.of("mask", "noise", "resample");
	}

	@Override
	@SuppressWarnings({ "unchecked", "rawtypes" })
	Result restore(final RandomAccessibleInterval<?> input, final ImagePlus imp, final Options o,
		final RestoreOptions r, final PrintStream err) throws IOException, UsageException
	{
		RandomAccessibleInterval mask = null;
		if (o.has("mask")) {
			final ImagePlus m = ImageJFiles.open(Paths.get(o.get("mask", "")));
			mask = ImagePlusImgs.wrapMask(m, err::println);
		}
		return Inpaint.run((RandomAccessibleInterval) input, mask, channelAxis(imp), NoiseModel.parse(o
			.get("noise", "auto")), r.withResample(o.integer("resample", 1)));
	}
}
