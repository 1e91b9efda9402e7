package sc.fiji.diffusion.engine;

import java.nio.file.Paths;
import java.util.function.Function;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import sc.fiji.diffusion.benchmark.Throughput;
import sc.fiji.diffusion.model.ModelFolder;

/**
 * A measurement on a GPU (issue 12, point 2), not a test: where a network evaluation called from Java
 * loses to the same TorchScript module called from PyTorch ({@code torch_unet.py --script}). Times,
 * back to back ({@link Throughput#backToBack}), the module's forward called through DJL on half inputs
 * made beforehand with libtorch's graph executor optimization on (its default), the same with it off
 * as restorations set it before each call, and the whole denoiser ({@link NetworkDenoiser#denoise}: float state in and out, the DDPM
 * wrapper around the call), and the module with each of the wrapper's parts: the label looked up from
 * sigma ({@link NetworkDenoiser#timestep}), the state cast to half and the output back. Usage: {@code ScriptCallProbe MODEL_DIR [WINDOWS [REPEATS]]}.
 */
public final class ScriptCallProbe {

	private ScriptCallProbe() {}

	public static void main(final String[] args) throws Exception {
		final int batch = args.length > 1 ? Integer.parseInt(args[1]) : 1024;
		final int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 20;
		try (NetworkDenoiser model = ModelFolder.load(Paths.get(args[0]), Device.gpu(), Precision.HALF)) {
			final java.lang.reflect.Field f = NetworkDenoiser.class.getDeclaredField("script");
			f.setAccessible(true);
			final Block script = (Block) f.get(model);
			final int p = model.patch();
			final ParameterStore store = new ParameterStore(model.manager(), false);
			final Function<NDManager, NDArray[]> half = m -> new NDArray[] { m.randomNormal(new Shape(batch, 1, p,
				p)).toType(DataType.FLOAT16, false), m.full(new Shape(batch), 500f) };
			final Function<NDManager, NDArray[]> state = m -> new NDArray[] { m.randomNormal(new Shape(batch, 1, p,
				p)), m.full(new Shape(batch), 0.2f) };
			final double px = (double) batch * p * p / 1e6;
			if (script == null) throw new IllegalStateException("The model runs on DJL's blocks (" + model.networkPath() +
				"): nothing to probe.");
			for (int round = 0; round < 2; round++) {
				// The executor switch is per thread and sticks: libtorch's default (on) again for the first row.
				ai.djl.pytorch.jni.JniUtils.setGraphExecutorOptimize(true);
				final double a = Throughput.backToBack(model, repeats, half, in -> script.forward(store, new NDList(in[0],
					in[1]), false).singletonOrThrow());
				final double b = Throughput.backToBack(model, repeats, half, in -> {
					ai.djl.pytorch.jni.JniUtils.setGraphExecutorOptimize(false);
					return script.forward(store, new NDList(in[0], in[1]), false).singletonOrThrow();
				});
				final double c = Throughput.backToBack(model, repeats, state, in -> model.denoise(in[0], in[1]));
				// The wrapper's two parts: the label looked up from sigma on the device, and the casts of the state.
				final double d = Throughput.backToBack(model, repeats, half, in -> script.forward(store, new NDList(in[0],
					model.timestep(in[1].div(2500f))), false).singletonOrThrow());
				final double e = Throughput.backToBack(model, repeats, state, in -> script.forward(store, new NDList(in[0]
					.toType(DataType.FLOAT16, false), in[1].mul(2500f)), false).singletonOrThrow().toType(DataType.FLOAT32, false));
				System.out.printf(java.util.Locale.ROOT, "PROBE %d windows: module through DJL, optimization on %.2f Mpx/s, " +
					"off as restorations set it %.2f, the denoiser %.2f, the module with the label looked up %.2f, with the " +
					"state cast to half and back %.2f (s per call %.5f, %.5f, %.5f, %.5f, %.5f)%n", batch, px / a, px / b, px / c,
					px / d, px / e, a, b, c, d, e);
			}
		}
	}
}
