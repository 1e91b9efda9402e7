package sc.fiji.diffusion.engine;

import java.util.SplittableRandom;

import sc.fiji.diffusion.engine.data.SyntheticScenes;

/** Training patches from the synthetic microscopy generator, all kinds mixed. */
public final class SyntheticPatches implements PatchSource {

	@Override
	public float[] patch(final SplittableRandom random, final int size) {
		final SyntheticScenes.Kind[] kinds = SyntheticScenes.Kind.values();
		final float[] p = SyntheticScenes.scene(kinds[random.nextInt(kinds.length)], size, size, random
			.nextLong());
		for (int i = 0; i < p.length; i++) p[i] = 2 * p[i] - 1;
		return p;
	}

	@Override
	public String toString() {
		return "synthetic fluorescence scenes (filaments, nuclei, puncta, membranes, cytoplasm; " +
			"sc.fiji.diffusion.engine.data.SyntheticScenes)";
	}
}
