package sc.fiji.diffusion.cli;

import ij.ImagePlus;

import java.util.Set;

import net.imglib2.RandomAccessibleInterval;

import sc.fiji.diffusion.restore.NoiseModel;
import sc.fiji.diffusion.restore.RestoreOptions;
import sc.fiji.diffusion.restore.Result;
import sc.fiji.diffusion.restore.SuperResolve;

/** {@code super-resolve --input IN --factor F --output OUT [--noise SPEC]}. */
final class SuperResolveVerb extends RestoreVerb {

	@Override
	sc.fiji.diffusion.restore.Defaults.Task task(final Options o) throws UsageException {
		return sc.fiji.diffusion.restore.Defaults.Task.inverse(factor(o));
	}

	@Override
	Set<String> extraKeys() {
		return Set.of("factor", "noise", "resample");
	}

	@Override
	int factor(final Options o) throws UsageException {
		return o.integer("factor", 2);
	}

	@Override
	void check(final Options o, final String sampler) throws UsageException {
		final int factor = factor(o);
		Options.check(() -> SuperResolve.check(factor, sampler));
	}

	@Override
	@SuppressWarnings({ "unchecked", "rawtypes" })
	Result restore(final RandomAccessibleInterval<?> input, final ImagePlus imp, final NoiseModel noise,
		final Options o, final RestoreOptions r) throws UsageException
	{
		return SuperResolve.run((RandomAccessibleInterval) input, factor(o), channelAxis(imp), noise, r);
	}
}
