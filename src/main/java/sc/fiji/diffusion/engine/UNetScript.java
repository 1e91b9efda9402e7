package sc.fiji.diffusion.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The same network as {@link UNet}, with the same weights, written as a TorchScript module and
 * loaded through DJL's module loader, for inference: libtorch then runs GroupNorm and SiLU as its
 * own single operators ({@code aten::group_norm}, {@code aten::silu}), which DJL's NDArray interface
 * lacks (it runs them as batch_norm, multiply and add, and sigmoid and multiply), and runs the whole
 * forward pass without a JNI crossing per operation. Training stays on the DJL blocks, whose
 * gradients the trainer needs. The source mirrors {@link UNet#forwardInternal} line by line; a test
 * holds the two to the same output.
 */
public final class UNetScript {

	private static final String CLASS = "UNet";

	private final StringBuilder code = new StringBuilder();
	private final List<TorchScriptArchive.Tensor> tensors = new ArrayList<>();
	private int names;
	private final java.util.Map<NDArray, String> named = new java.util.IdentityHashMap<>();
	private final boolean split, phases;
	/** The type the network's float weights are stored in (null: their own); not the wrapper's constants. */
	private final DataType weights;

	private UNetScript(final boolean split, final boolean phases, final DataType weights) {
		this.split = split;
		this.phases = phases;
		this.weights = weights;
	}

	/**
	 * What a module computes around its network: the lines of {@code forward(self, x, sigma)}, which
	 * calls the network as {@code self.net(input, label)} (the input in any float type: the network
	 * casts it to its weights' and its output back). Constants it needs become tensor attributes
	 * ({@link #constant}).
	 */
	@FunctionalInterface
	public interface Wrapper {
		void write(UNetScript script);
	}

	/**
	 * The network as a TorchScript module on the device of {@code manager}, its weights in their
	 * current type (float, or half after {@link UNet#cast}), or float weights stored in {@code weights}
	 * (bfloat16, a type DJL's arrays cannot hold; null: their own). Its forward takes the same inputs as
	 * the network's ({@code x} in any float type, cast to the weights', float labels) and gives the same
	 * output in the input's type; with a wrapper, the wrapper's inputs and output.
	 */
	public static PtSymbolBlock load(final UNet net, final NDManager manager, final Wrapper wrapper,
		final DataType weights)
	{
		// The upsampling convolution by phases on the CPU, where it was measured faster, as UNet writes it
		// on a GPU, where it was not (docs/models.md); -Ddiffusion.upsample=phases|nearest and
		// -Ddiffusion.groupnorm=split choose otherwise, to measure (normSilu, upsampleConv).
		final String upsample = System.getProperty("diffusion.upsample", manager.getDevice().isGpu()
			? "nearest" : "phases");
		final byte[] archive = archive(net, "split".equals(System.getProperty("diffusion.groupnorm")),
			"phases".equals(upsample), wrapper, weights);
		return load(archive, manager);
	}

	static PtSymbolBlock load(final UNet net, final NDManager manager, final boolean splitNorm,
		final boolean phases)
	{
		return load(net, manager, splitNorm, phases, null);
	}

	static PtSymbolBlock load(final UNet net, final NDManager manager, final boolean splitNorm,
		final boolean phases, final Wrapper wrapper)
	{
		return load(archive(net, splitNorm, phases, wrapper, null), manager);
	}

	private static PtSymbolBlock load(final byte[] archive, final NDManager manager) {
		try {
			final PtSymbolBlock block = JniUtils.loadModule((PtNDManager) manager,
				new ByteArrayInputStream(archive), true, false);
			return block;
		}
		catch (final IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	/** The module archive (see {@link TorchScriptArchive}), the network alone as its forward. */
	static byte[] archive(final UNet net, final boolean splitNorm, final boolean phases) {
		return archive(net, splitNorm, phases, null, null);
	}

	static byte[] archive(final UNet net, final boolean splitNorm, final boolean phases,
		final Wrapper wrapper, final DataType weights)
	{
		final UNetScript s = new UNetScript(splitNorm, phases, weights);
		final String body = s.forward(net);
		String around = null;
		if (wrapper != null) {
			s.code.setLength(0);
			wrapper.write(s);
			around = s.code.toString();
		}
		final StringBuilder src = new StringBuilder();
		src.append("class ").append(CLASS).append("(Module):\n");
		src.append("  __parameters__ = [");
		for (final TorchScriptArchive.Tensor t : s.tensors) src.append('"').append(t.name()).append("\", ");
		src.append("]\n");
		src.append("  training : bool\n");
		for (final TorchScriptArchive.Tensor t : s.tensors) src.append("  ").append(t.name()).append(
			" : Tensor\n");
		if (around != null) {
			src.append("  def forward(self: __torch__.").append(CLASS).append(
				", x: Tensor, sigma: Tensor) -> Tensor:\n");
			src.append(around);
		}
		src.append("  def ").append(around == null ? "forward" : "net").append("(self: __torch__.").append(
			CLASS).append(", x: Tensor, label: Tensor) -> Tensor:\n");
		src.append(body);
		return TorchScriptArchive.write(CLASS, src.toString(), s.tensors);
	}

	/** An array the wrapper uses, as a tensor attribute in its own shape and type; how it is named. */
	public String constant(final NDArray a, final String name) {
		return stored(a, a.getShape().getShape(), name, null);
	}

	/** A line of the wrapper's body. */
	public void line(final String s) {
		code.append("    ").append(s).append('\n');
	}

	private String forward(final UNet net) {
		final NDArray f = net.frequencies.getArray();
		// The embedding's frequencies in their own type: a rounded frequency would shift the phases of
		// the high labels' sinusoids.
		final String freq = stored(f, f.getShape().getShape(), "frequencies", null);
		// The state in the weights' type, the output back in the state's (no-ops when they agree).
		final String w0 = tensor(param(net.inConv, "weight"), "in_conv_weight");
		line("state = ops.prim.dtype(x)");
		line("shared = torch.size(label, 0) == 1 and torch.size(x, 0) > 1");
		line("x = torch.to(x, ops.prim.dtype(" + w0 + "))");
		line("a = torch.mul(torch.reshape(label, [-1, 1]), " + freq + ")");
		// The sinusoids in the labels' (float) type, then the network's, as UNet does.
		line("emb = torch.to(torch.cat([torch.sin(a), torch.cos(a)], 1), ops.prim.dtype(x))");
		line("emb = " + linear(net.embedIn, "emb", "embed_in"));
		line("emb = " + linear(net.embedOut, "torch.silu(emb)", "embed_out"));
		// Every residual block projects silu(emb): computed once.
		line("semb = torch.silu(emb)");
		line("y = " + conv(net.inConv, "x", 1, 1, "in_conv"));
		final int levels = net.down.size();
		for (int l = 0; l < levels; l++) {
			for (int r = 0; r < net.down.get(l).size(); r++) res(net.down.get(l).get(r), "down" + l + "_" + r);
			line("skip" + l + " = y");
			if (l < net.downsample.size()) line("y = " + conv(net.downsample.get(l), "y", 2, 1, "downsample" + l));
		}
		res(net.mid1, "mid1");
		res(net.mid2, "mid2");
		for (int i = 0; i < net.up.size(); i++) {
			line("y = torch.cat([y, skip" + (levels - 1 - i) + "], 1)");
			for (int r = 0; r < net.up.get(i).size(); r++) res(net.up.get(i).get(r), "up" + (levels - 1 -
				i) + "_" + r);
			if (i < net.upsample.size()) {
				upsampleConv(net.upsample.get(i), "upsample" + (levels - 1 - i));
			}
		}
		normSilu((GroupNorm) net.outNorm, "y", "y", "out_norm");
		line("return torch.to(" + conv(net.outConv, "y", 1, 1, "out_conv") + ", state)");
		return code.toString();
	}

	/** UNet.ResBlock: norm, SiLU, conv, plus the projected embedding; again; plus the skip path. */
	private void res(final UNet.ResBlock b, final String name) {
		normSilu(b.norm1, "y", "h", name + "_norm1");
		line("e = " + linear(b.embProj, "semb", name + "_emb"));
		// One label for the whole batch (as in one restoration step): the projected embedding is the same
		// per-channel shift for every window, added with the convolution's bias instead of in a pass of
		// its own over the activations.
		line("if shared:");
		line("  h = " + conv(b.conv1, "h", 1, 1, name + "_conv1", "torch.reshape(e, [-1])"));
		line("else:");
		line("  h = torch.add(" + conv(b.conv1, "h", 1, 1, name + "_conv1") +
			", torch.unsqueeze(torch.unsqueeze(e, 2), 3))");
		normSilu(b.norm2, "h", "h", name + "_norm2");
		line("h = " + conv(b.conv2, "h", 1, 1, name + "_conv2"));
		line("y = torch.add(" + (b.skip == null ? "y" : conv(b.skip, "y", 1, 0, name + "_skip")) + ", h)");
	}

	private String conv(final Block conv, final String in, final int stride, final int pad,
		final String name)
	{
		return conv(conv, in, stride, pad, name, null);
	}

	/** The same with {@code shift} (per output channel) added to the convolution's bias, when given. */
	private String conv(final Block conv, final String in, final int stride, final int pad,
		final String name, final String shift)
	{
		final String w = tensor(param(conv, "weight"), name + "_weight");
		final String own = tensor(param(conv, "bias"), name + "_bias");
		final String bias = shift == null ? own : "torch.add(" + own + ", " + shift + ")";
		return "torch.conv2d(" + in + ", " + w + ", " + bias + ", [" + stride + ", " + stride + "], [" +
			pad + ", " + pad + "], [1, 1], 1)";
	}

	/**
	 * {@code y = conv3x3(nearest2x(y))}. With {@code phases} (the default on the CPU), each of
	 * the four output phases (row and column parity) as a 2 x 2 convolution of the input padded by
	 * one, whose taps are sums of the 3 x 3 kernel's (a row of the upsampled image above or below the
	 * centre repeats the input row the centre comes from), then interleaved by a pixel shuffle: the
	 * same values without the upsampled copy, at 4/9 of the multiply-adds. Otherwise as UNet computes
	 * it.
	 */
	private void upsampleConv(final Block conv, final String name) {
		if (!phases) {
			line("y = " + conv(conv, "torch.upsample_nearest2d(y, None, [2., 2.])", 1, 1, name));
			return;
		}
		final NDArray weight = param(conv, "weight");
		final long[] shape = weight.getShape().getShape();
		final int out = (int) shape[0], in = (int) shape[1];
		final float[] w;
		try (NDManager scope = weight.getManager().newSubManager()) {
			// A copy (even of float weights), so that closing it leaves the weights alone.
			final NDArray f = weight.toType(ai.djl.ndarray.types.DataType.FLOAT32, true);
			f.attach(scope);
			w = f.toFloatArray();
		}
		final String bias = tensor(param(conv, "bias"), name + "_bias");
		line("n = torch.size(y, 0)");
		line("hh = torch.size(y, 2)");
		line("ww = torch.size(y, 3)");
		line("yp = torch.constant_pad_nd(y, [1, 1, 1, 1], 0.)");
		// -Ddiffusion.phaseConv=true: the four phases' kernels as one convolution of 4 x out channels
		// (phase-major) over the whole padded input, each phase then its channels' grid shifted by (a,
		// b): one convolution instead of four over shifted views, to measure (docs/models.md).
		final boolean one = Boolean.getBoolean("diffusion.phaseConv");
		final float[] all = one ? new float[4 * out * in * 4] : null;
		final StringBuilder phaseList = new StringBuilder();
		for (int a = 0; a < 2; a++) {
			for (int b = 0; b < 2; b++) {
				final float[] k = new float[out * in * 4];
				for (int o = 0; o < out * in; o++) {
					for (int r = 0; r < 2; r++) for (int c = 0; c < 2; c++) {
						float sum = 0;
						for (final int ky : TAPS[a][r]) for (final int kx : TAPS[b][c]) sum += w[o * 9 + ky * 3 + kx];
						k[o * 4 + r * 2 + c] = sum;
					}
				}
				phaseList.append(phaseList.length() == 0 ? "" : ", ").append("p").append(a).append(b);
				if (one) {
					System.arraycopy(k, 0, all, (a * 2 + b) * k.length, k.length);
					continue;
				}
				final String kernel = tensor(weight.getManager(), k, weight.getDataType(), new long[] { out,
					in, 2, 2 }, name + "_phase" + a + b);
				line("p" + a + b + " = torch.conv2d(torch.narrow(torch.narrow(yp, 2, " + a + ", hh + 1), 3, " + b +
					", ww + 1), " + kernel + ", " + bias + ", [1, 1], [0, 0], [1, 1], 1)");
			}
		}
		if (one) {
			final String kernel = tensor(weight.getManager(), all, weight.getDataType(), new long[] { 4 * out,
				in, 2, 2 }, name + "_phases");
			line("g = torch.conv2d(yp, " + kernel + ", torch.repeat(" + bias + ", [4]), [1, 1], [0, 0], [1, 1], 1)");
			for (int a = 0; a < 2; a++) for (int b = 0; b < 2; b++) {
				line("p" + a + b + " = torch.narrow(torch.narrow(torch.narrow(g, 1, " + (a * 2 + b) * out + ", " +
					out + "), 2, " + a + ", hh), 3, " + b + ", ww)");
			}
		}
		line("y = torch.pixel_shuffle(torch.reshape(torch.stack([" + phaseList + "], 2), [n, " + 4 * out +
			", hh, ww]), 2)");
	}

	/**
	 * The 3 x 3 kernel rows (or columns) each 2 x 2 tap of a phase sums: TAPS[parity][tap]. Output row
	 * 2i reads upsampled rows 2i-1, 2i, 2i+1, that is input rows i-1, i, i; row 2i+1 reads i, i, i+1.
	 */
	private static final int[][][] TAPS = { { { 0 }, { 1, 2 } }, { { 0, 1 }, { 2 } } };

	private String linear(final Block linear, final String in, final String name) {
		return "torch.linear(" + in + ", " + tensor(param(linear, "weight"), name + "_weight") + ", " +
			tensor(param(linear, "bias"), name + "_bias") + ")";
	}

	/**
	 * {@code out = silu(groupnorm(in))}. By default libtorch's own group_norm, then silu. With {@code
	 * split}, the statistics (one var_mean over each group), then one per-channel scale and shift and
	 * silu: element-wise operations that TorchScript's fuser may join into one pass over the
	 * activations on a GPU.
	 */
	private void normSilu(final GroupNorm norm, final String in, final String out, final String name) {
		final NDArray gamma = param(norm, "gamma"), beta = param(norm, "beta");
		final String eps = String.format(Locale.ROOT, "%.17g", (double) norm.epsilon());
		final int groups = norm.groups();
		if (!split) {
			// GroupNorm keeps its affine parameters shaped (C, 1, 1); group_norm takes them flat.
			final String g = tensor(gamma, new long[] { gamma.size() }, name + "_gamma");
			final String b = tensor(beta, new long[] { beta.size() }, name + "_beta");
			line(out + " = torch.silu(torch.group_norm(" + in + ", " + groups + ", " + g + ", " + b + ", " +
				eps + ", True))");
			return;
		}
		final String g = tensor(gamma, name + "_gamma"), b = tensor(beta, name + "_beta");
		final long channels = gamma.size(), per = channels / groups;
		line("v, mu = torch.var_mean(torch.reshape(" + in + ", [torch.size(" + in + ", 0), " + groups +
			", -1]), [2], correction=0, keepdim=True)");
		line("r = torch.rsqrt(torch.add(v, " + eps + "))");
		line("sc = torch.mul(torch.reshape(torch.repeat_interleave(r, " + per + ", 1), [-1, " + channels +
			", 1, 1]), " + g + ")");
		line("sh = torch.sub(" + b + ", torch.mul(torch.reshape(torch.repeat_interleave(mu, " + per +
			", 1), [-1, " + channels + ", 1, 1]), sc))");
		line(out + " = torch.silu(torch.add(torch.mul(" + in + ", sc), sh))");
	}

	private static NDArray param(final Block block, final String name) {
		return block.getDirectParameters().get(name).getArray();
	}

	private String tensor(final NDArray a, final String name) {
		return tensor(a, a.getShape().getShape(), name);
	}

	/** A tensor attribute of computed values, stored in the given type. */
	private String tensor(final NDManager m, final float[] values, final DataType type,
		final long[] shape, final String name)
	{
		try (NDManager scope = m.newSubManager()) {
			return tensor(scope.create(values).toType(type, false), shape, name);
		}
	}

	/**
	 * Adds a tensor attribute holding the array's values (read to the host once, at load), in the
	 * given shape of the same size; returns how the source names it.
	 */
	private String tensor(final NDArray a, final long[] shape, final String name) {
		return stored(a, shape, name, weights);
	}

	/** As {@link #tensor(NDArray, long[], String)}, a float array stored in {@code type} (null: its own). */
	private String stored(final NDArray a, final long[] shape, final String name, final DataType type) {
		// An array written once in its own shape is named again, not stored twice.
		final boolean own = java.util.Arrays.equals(shape, a.getShape().getShape());
		if (own && named.containsKey(a)) return named.get(a);
		final String attr = name.replaceAll("[^A-Za-z0-9_]", "_") + "_" + names++;
		if (type == DataType.BFLOAT16 && a.getDataType() == DataType.FLOAT32) {
			final float[] f = a.toFloatArray();
			final java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(2 * f.length).order(
				java.nio.ByteOrder.LITTLE_ENDIAN);
			for (final float v : f) b.putShort(Half.bfloat16(v));
			tensors.add(new TorchScriptArchive.Tensor(attr, type, shape, b.array()));
		}
		else if (type == null || type == a.getDataType()) {
			tensors.add(new TorchScriptArchive.Tensor(attr, a.getDataType(), shape, a.toByteArray()));
		}
		else {
			throw new IllegalArgumentException("Weights of " + a.getDataType() + " are not stored as " + type +
				".");
		}
		if (own) named.put(a, "self." + attr);
		return "self." + attr;
	}

}
