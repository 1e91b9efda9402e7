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

	/**
	 * Noise fixed to positions in a larger image: the value at a pixel depends only on the seed, the
	 * step, the pixel's plane and its row and column in that image, never on which part of the image
	 * is being restored. A volume restored block by block then draws, at every pixel, the noise that a
	 * restoration of the whole volume would draw there. Drawn on the host (a counter-based hash per
	 * value and Box-Muller), then copied to the device.
	 *
	 * @param planes the global index of each plane of the part, in the batch dimension's order
	 * @param top the part's first row in the larger image
	 * @param left the part's first column
	 */
	static NoiseSource positional(final long seed, final long[] planes, final long top, final long left) {
		final long[] ids = planes.clone();
		return (manager, shape, step) -> {
			final long[] d = shape.getShape();
			if (d.length != 4 || d[0] != ids.length || d[1] != 1) {
				throw new IllegalArgumentException("Positional noise of " + ids.length + " planes cannot fill " +
					shape + ".");
			}
			final int h = (int) d[2], w = (int) d[3];
			final float[] v = new float[Math.multiplyExact(ids.length, Math.multiplyExact(h, w))];
			final long base = mix(mix(seed) + step);
			java.util.stream.IntStream.range(0, ids.length * h).parallel().forEach(row -> {
				final int p = row / h, y = row % h;
				final long r = mix(mix(base + ids[p]) + top + y);
				for (int x = 0; x < w; x++) {
					final long bits = mix(r + left + x);
					// Box-Muller from the two halves: u1 in (0, 1], u2 in [0, 1).
					final double u1 = ((bits >>> 32) + 1) * 0x1.0p-32, u2 = (bits & 0xFFFFFFFFL) * 0x1.0p-32;
					v[row * w + x] = (float) (Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2));
				}
			});
			return manager.create(v, shape);
		};
	}

	/** One round of SplitMix64 over a counter advanced by its golden-ratio step. */
	private static long mix(final long counter) {
		return sc.fiji.diffusion.engine.data.SyntheticScenes.mix64(counter * 0x9E3779B97F4A7C15L);
	}
}
