package sc.fiji.diffusion.restore;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;

import java.nio.file.Paths;

import org.junit.jupiter.api.Test;
import sc.fiji.diffusion.engine.Autograd;
import sc.fiji.diffusion.engine.HostReads;
import sc.fiji.diffusion.engine.NetworkDenoiser;
import sc.fiji.diffusion.model.ModelFolder;

/**
 * A measurement, not a test (skipped unless {@code -Dmeasure=true}): libtorch's profiler (a Chrome
 * trace, with CUDA kernels on a GPU) over one warm tiled evaluation of a {@code -Dside} image at
 * {@code -Dwindows} per call, and over one bare network call of that many windows, to see where a
 * step's time goes beside the network's. {@code -Dmodel=models/ddpm-fluo -Ddevice=gpu -Dside=2048
 * -Dwindows=1024 -Dtrace=DIR} writes {@code DIR/tiled.json} and {@code DIR/network.json}.
 */
@org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "measure", matches = "true")
class ProfileProbeTest {

	@Test
	void profile() throws Exception {
		final int side = Integer.getInteger("side", 2048), windows = Integer.getInteger("windows", 1024);
		final Device device = "gpu".equals(System.getProperty("device")) ? Device.gpu() : Device.cpu();
		final String dir = System.getProperty("trace", "target");
		try (NetworkDenoiser model = ModelFolder.load(Paths.get(System.getProperty("model",
			"models/ddpm-fluo")), device, device.isGpu() ? sc.fiji.diffusion.engine.Precision.HALF
				: sc.fiji.diffusion.engine.Precision.FLOAT);
			NDManager cache = model.manager().newSubManager())
		{
			// After the load: the engine's natives are loaded with the first model.
			Autograd.off();
			final TiledDenoiser tiled = TiledDenoiser.of(model, cache, windows, Defaults.Task.DENOISE);
			final int w = tiled.tile();
			for (int rep = 0; rep < 4; rep++) {
				final boolean last = rep == 3;
				try (NDManager m = model.manager().newSubManager()) {
					final NDArray x = m.randomNormal(new Shape(1, 1, side, side));
					final NDArray s = m.create(new float[] { 0.2f });
					HostReads.floats(x.get("0, 0, 0, 0"));
					if (last) JniUtils.startProfile(device.isGpu(), false, false);
					long t = System.nanoTime();
					HostReads.floats(tiled.denoise(x, s).sum());
					if (last) {
						JniUtils.stopProfile(Paths.get(dir, "tiled.json").toString());
						System.out.printf("tiled %d^2, %d windows per call: %.4f s (profiled)%n", side, windows,
							(System.nanoTime() - t) / 1e9);
					}
					final NDArray in = m.randomNormal(new Shape(windows, 1, w, w));
					final NDArray levels = m.full(new Shape(windows), 0.2f);
					HostReads.floats(in.get("0, 0, 0, 0"));
					if (last) JniUtils.startProfile(device.isGpu(), false, false);
					t = System.nanoTime();
					HostReads.floats(model.denoise(in, levels).sum());
					if (last) {
						JniUtils.stopProfile(Paths.get(dir, "network.json").toString());
						System.out.printf("network, %d windows: %.4f s (profiled)%n", windows, (System.nanoTime() -
							t) / 1e9);
					}
				}
			}
		}
	}
}
