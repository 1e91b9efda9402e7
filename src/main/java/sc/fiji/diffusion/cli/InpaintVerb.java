package sc.fiji.diffusion.cli;

import ij.ImagePlus;

import java.io.IOException;
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
	void check(final Options o, final String sampler, final NoiseModel noise) throws UsageException {
		Options.check(() -> Inpaint.check(sampler, noise));
	}

	@Override
	@SuppressWarnings({ "unchecked", "rawtypes" })
	Result restore(final RandomAccessibleInterval<?> input, final ImagePlus imp, final NoiseModel noise,
		final Options o, final RestoreOptions r) throws IOException
	{
		RandomAccessibleInterval mask = null;
		if (o.has("mask")) {
			final ImagePlus m = ImageJFiles.open(Paths.get(o.get("mask", "")));
			mask = ImagePlusImgs.wrapMask(m, r.log());
		}
		return Inpaint.run((RandomAccessibleInterval) input, mask, channelAxis(imp), noise, r);
	}
}
