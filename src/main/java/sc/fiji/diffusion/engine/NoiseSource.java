package sc.fiji.diffusion.engine;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Fresh Gaussian noise for the sampler's steps, drawn on the device. Seeded by (seed, step) so a run
 * is reproducible on the same device and the draw of one step does not depend on how many draws
 * happened before it.
 */
@FunctionalInterface
public interface NoiseSource {

	/** Unit normal noise of the given shape, on the manager's device. */
	NDArray normal(NDManager manager, Shape shape, int step);

	/**
	 * Held while anything seeds or draws from the engine's one random generator (noise here, a
	 * network's initial weights elsewhere), so that one run's seed is not used by another's draw.
	 */
	Object GENERATOR = new Object();

	/**
	 * Noise from the engine's generator, reseeded for every step. The generator is one per process:
	 * seeding and drawing hold a lock, so that two restorations at once (two commands, or a command
	 * and a training) do not draw from each other's seeds.
	 */
	static NoiseSource seeded(final long seed) {
		return (manager, shape, step) -> {
			final long mixed = seed * 0x9E3779B97F4A7C15L + (step + 1) * 0xD6E8FEB86659FD93L;
			synchronized (GENERATOR) {
				Engine.getEngine(manager.getEngine().getEngineName()).setRandomSeed((int) (mixed ^ mixed >>> 32));
				return manager.randomNormal(shape);
			}
		};
	}

	/**
	 * Noise for chains side by side in the batch dimension: the batch splits evenly among the
	 * sources, each drawing its part as it would alone, so a chain's noise does not depend on how
	 * many chains share its pass.
	 */
	static NoiseSource stacked(final NoiseSource... parts) {
		if (parts.length == 1) return parts[0];
		return (manager, shape, step) -> {
			final long[] dims = shape.getShape().clone();
			if (dims[0] % parts.length != 0) {
				throw new IllegalArgumentException("Batch " + dims[0] + " does not split into " + parts.length +
					" chains");
			}
			dims[0] /= parts.length;
			final ai.djl.ndarray.NDList drawn = new ai.djl.ndarray.NDList(parts.length);
			for (final NoiseSource p : parts) drawn.add(p.normal(manager, new Shape(dims), step));
			final NDArray out = ai.djl.ndarray.NDArrays.concat(drawn, 0);
			drawn.close();
			return out;
		};
	}
}
