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
import sc.fiji.diffusion.benchmark.Throughput;
import sc.fiji.diffusion.model.ModelFolder;

/**
 * A measurement on a GPU (issue 12, point 2), not a test: where a network evaluation called from Java
 * loses to the same TorchScript module called from PyTorch ({@code torch_unet.py --script}). Times,
 * back to back ({@link Throughput#backToBack}), the module's network ({@code net}, called by name) on
 * half inputs made beforehand, with libtorch's graph executor optimization on (its default) and off as
 * restorations set it, and the whole denoiser ({@link NetworkDenoiser#denoise}: float state and sigma
 * in, the estimate out, the module's forward with the family's wrapper written in TorchScript); both
 * again with one label (sigma) for the whole batch, which the module adds with the convolutions' bias. Usage:
 * {@code ScriptCallProbe MODEL_DIR [WINDOWS [REPEATS [cpu]]]}.
 */
public final class ScriptCallProbe {

	private ScriptCallProbe() {}

	/** The same inputs with the first label (or level) alone, shape (1), for the whole batch. */
	private static Function<NDManager, NDArray[]> shared(final Function<NDManager, NDArray[]> inputs) {
		return m -> {
			final NDArray[] in = inputs.apply(m);
			return new NDArray[] { in[0], in[1].get("0:1") };
		};
	}

	public static void main(final String[] args) throws Exception {
		final int batch = args.length > 1 ? Integer.parseInt(args[1]) : 1024;
		final int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 20;
		// A fourth argument "cpu" runs it in float on the CPU, to check the probe itself.
		final boolean gpu = args.length < 4 || !"cpu".equals(args[3]);
		final DataType type = gpu ? DataType.FLOAT16 : DataType.FLOAT32;
		try (NetworkDenoiser model = ModelFolder.load(Paths.get(args[0]), gpu ? Device.gpu()
			: Device.cpu(), gpu ? Precision.HALF : Precision.FLOAT)) {
			final java.lang.reflect.Field f = NetworkDenoiser.class.getDeclaredField("script");
			f.setAccessible(true);
			final Block script = (Block) f.get(model);
			final int p = model.patch();
			final Function<NDManager, NDArray[]> half = m -> new NDArray[] { m.randomNormal(new Shape(batch, 1, p,
				p)).toType(type, false), m.full(new Shape(batch), 500f) };
			final Function<NDManager, NDArray[]> state = m -> new NDArray[] { m.randomNormal(new Shape(batch, 1, p,
				p)), m.full(new Shape(batch), 0.2f) };
			final double px = (double) batch * p * p / 1e6;
			if (script == null) throw new IllegalStateException("The model runs on DJL's blocks (" + model.networkPath() +
				"): nothing to probe.");
			final ai.djl.pytorch.engine.PtSymbolBlock module = (ai.djl.pytorch.engine.PtSymbolBlock) script;
			final Function<NDArray[], NDArray> net = in -> {
				final ai.djl.pytorch.jni.IValue x = ai.djl.pytorch.jni.IValue.from((ai.djl.pytorch.engine.PtNDArray) in[0]);
				final ai.djl.pytorch.jni.IValue l = ai.djl.pytorch.jni.IValue.from((ai.djl.pytorch.engine.PtNDArray) in[1]);
				final ai.djl.pytorch.jni.IValue out = ai.djl.pytorch.jni.IValueUtils.runMethod(module, "net", x, l);
				final NDArray r = out.toTensor((ai.djl.pytorch.engine.PtNDManager) in[0].getManager());
				x.close();
				l.close();
				out.close();
				return r;
			};
			for (int round = 0; round < 2; round++) {
				// The executor switch is per thread and sticks: libtorch's default (on) again for the first row.
				ai.djl.pytorch.jni.JniUtils.setGraphExecutorOptimize(true);
				final double a = Throughput.backToBack(model, repeats, half, net);
				final double b = Throughput.backToBack(model, repeats, half, in -> {
					ai.djl.pytorch.jni.JniUtils.setGraphExecutorOptimize(false);
					return net.apply(in);
				});
				final double c = Throughput.backToBack(model, repeats, state, in -> model.denoise(in[0], in[1]));
				// One label (sigma) for the whole batch: the module adds the embedding with the convolutions' bias.
				final double d = Throughput.backToBack(model, repeats, shared(half), net);
				final double e = Throughput.backToBack(model, repeats, shared(state), in -> model.denoise(in[0], in[1]));
				System.out.printf(java.util.Locale.ROOT, "PROBE %d windows: the module's network through DJL, " +
					"optimization on %.2f Mpx/s, off as restorations set it %.2f, the denoiser (module with its " +
					"wrapper) %.2f; one label for all: the network %.2f, the denoiser %.2f (s per call %.5f, %.5f, " +
					"%.5f, %.5f, %.5f)%n", batch, px / a, px / b, px / c, px / d, px / e, a, b, c, d, e);
			}
		}
	}
}
