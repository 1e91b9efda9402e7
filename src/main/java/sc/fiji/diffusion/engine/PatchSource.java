package sc.fiji.diffusion.engine;

import java.util.SplittableRandom;

/** Clean training patches, scaled to the model's range [-1, 1]. */
@FunctionalInterface
public interface PatchSource {

	/**
	 * @param random the only source of randomness, so a training step is reproducible from its seed
	 * @return size * size values, row-major
	 */
	float[] patch(SplittableRandom random, int size);
}
