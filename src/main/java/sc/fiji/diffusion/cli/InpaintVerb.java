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

	/** The mask's non-zero pixels, null without --mask. */
	@SuppressWarnings("rawtypes")
	private RandomAccessibleInterval mask;

	@Override
	sc.fiji.diffusion.restore.Defaults.Task task(final Options o) {
		return sc.fiji.diffusion.restore.Defaults.Task.INPAINT;
	}

	@Override
	Set<String> extraKeys() {
		return Set.of("mask", "noise", "resample");
	}

	@Override
	void check(final Options o, final String sampler) throws UsageException {
		Options.check(() -> Inpaint.check(sampler));
	}

	@Override
	void read(final Options o, final PrintStream err) throws IOException {
		if (o.has("mask")) mask = ImagePlusImgs.wrapMask(ImageJFiles.open(Paths.get(o.get("mask", ""))),
			err::println);
	}

	@Override
	@SuppressWarnings({ "unchecked", "rawtypes" })
	Result restore(final RandomAccessibleInterval<?> input, final ImagePlus imp, final NoiseModel noise,
		final Options o, final RestoreOptions r)
	{
		return Inpaint.run((RandomAccessibleInterval) input, mask, channelAxis(imp), noise, r);
	}
}
