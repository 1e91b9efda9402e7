package sc.fiji.diffusion.benchmark;

import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.ByteProcessor;
import ij.process.FloatProcessor;

import sc.fiji.diffusion.engine.data.SyntheticScenes;

/**
 * Writes a cytoplasm scene of N x N (32-bit TIFF, values 100 to 1100) and the quality benchmark's
 * block mask for it (8-bit, 255 = missing) for timing whole CLI calls: {@code java -cp ...
 * sc.fiji.diffusion.benchmark.BenchmarkImages N SCENE.tif MASK.tif}.
 */
public final class BenchmarkImages {

	private BenchmarkImages() {}

	public static void main(final String[] args) {
		final int n = Integer.parseInt(args[0]);
		final float[] scene = SyntheticScenes.scene(SyntheticScenes.Kind.CYTOPLASM, n, n, 8999);
		for (int i = 0; i < scene.length; i++) scene[i] = 100 + 1000 * scene[i];
		final boolean[] hole = QualityBenchmark.holes(1, n, 5);
		final byte[] mask = new byte[n * n];
		for (int i = 0; i < mask.length; i++) mask[i] = (byte) (hole[i] ? 255 : 0);
		new FileSaver(new ImagePlus("scene", new FloatProcessor(n, n, scene))).saveAsTiff(args[1]);
		new FileSaver(new ImagePlus("mask", new ByteProcessor(n, n, mask))).saveAsTiff(args[2]);
	}
}
