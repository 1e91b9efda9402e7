package sc.fiji.diffusion.restore;

import java.util.List;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.real.FloatType;

/**
 * A restoration's output, in the input's units: the estimate, the samples' standard deviation when
 * asked for (else null), and what was estimated or decided on the way, for the user to read.
 */
public record Result(RandomAccessibleInterval<FloatType> image, RandomAccessibleInterval<FloatType> std,
	List<String> report)
{}
