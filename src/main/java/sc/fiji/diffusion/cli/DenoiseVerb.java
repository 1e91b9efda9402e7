package sc.fiji.diffusion.cli;

import ij.ImagePlus;

import java.util.Set;

import net.imglib2.RandomAccessibleInterval;

import sc.fiji.diffusion.restore.Denoise;
import sc.fiji.diffusion.restore.NoiseModel;
import sc.fiji.diffusion.restore.RestoreOptions;
import sc.fiji.diffusion.restore.Result;

/** {@code denoise --input IN --output OUT [--noise SPEC]} and the common options. */
final class DenoiseVerb extends RestoreVerb {

	@Override
	sc.fiji.diffusion.restore.Defaults.Task task(final Options o) {
		return sc.fiji.diffusion.restore.Defaults.Task.DENOISE;
	}

	@Override
	Set<String> extraKeys() {
		return Set.of("noise");
	}

	@Override
	@SuppressWarnings({ "unchecked", "rawtypes" })
	Result restore(final RandomAccessibleInterval<?> input, final ImagePlus imp, final NoiseModel noise,
		final Options o, final RestoreOptions r)
	{
		return Denoise.run((RandomAccessibleInterval) input, channelAxis(imp), noise, r);
	}
}
