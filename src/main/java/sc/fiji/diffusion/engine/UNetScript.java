package sc.fiji.diffusion.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
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
	private final boolean split;

	private UNetScript(final boolean split) {
		this.split = split;
	}

	/**
	 * The network as a TorchScript module on the device of {@code manager}, its weights in their
	 * current type (float, or half after {@link UNet#cast}). Its forward takes the same inputs as the
	 * network's ({@code x} in the weights' type, float labels) and gives the same output.
	 */
	public static PtSymbolBlock load(final UNet net, final NDManager manager) {
		// -Ddiffusion.groupnorm=split: the measured alternative to libtorch's group_norm (normSilu).
		return load(net, manager, "split".equals(System.getProperty("diffusion.groupnorm")));
	}

	static PtSymbolBlock load(final UNet net, final NDManager manager, final boolean splitNorm) {
		final byte[] archive = archive(net, splitNorm);
		try {
			final PtSymbolBlock block = JniUtils.loadModule((PtNDManager) manager,
				new ByteArrayInputStream(archive), true, false);
			return block;
		}
		catch (final IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	/** The module archive (see {@link TorchScriptArchive}). */
	static byte[] archive(final UNet net, final boolean splitNorm) {
		final UNetScript s = new UNetScript(splitNorm);
		final String body = s.forward(net);
		final StringBuilder src = new StringBuilder();
		src.append("class ").append(CLASS).append("(Module):\n");
		src.append("  __parameters__ = [");
		for (final TorchScriptArchive.Tensor t : s.tensors) src.append('"').append(t.name()).append("\", ");
		src.append("]\n");
		src.append("  training : bool\n");
		for (final TorchScriptArchive.Tensor t : s.tensors) src.append("  ").append(t.name()).append(
			" : Tensor\n");
		src.append("  def forward(self: __torch__.").append(CLASS).append(
			", x: Tensor, label: Tensor) -> Tensor:\n");
		src.append(body);
		return TorchScriptArchive.write(CLASS, src.toString(), s.tensors);
	}

	private String forward(final UNet net) {
		final NDArray f = net.frequencies.getArray();
		final String freq = tensor(f, f.getShape().getShape(), "frequencies");
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
				line("y = " + conv(net.upsample.get(i), "torch.upsample_nearest2d(y, None, [2., 2.])", 1, 1,
					"upsample" + (levels - 1 - i)));
			}
		}
		normSilu((GroupNorm) net.outNorm, "y", "y", "out_norm");
		line("return " + conv(net.outConv, "y", 1, 1, "out_conv"));
		return code.toString();
	}

	/** UNet.ResBlock: norm, SiLU, conv, plus the projected embedding; again; plus the skip path. */
	private void res(final UNet.ResBlock b, final String name) {
		normSilu(b.norm1, "y", "h", name + "_norm1");
		line("h = " + conv(b.conv1, "h", 1, 1, name + "_conv1"));
		line("e = " + linear(b.embProj, "semb", name + "_emb"));
		line("h = torch.add(h, torch.unsqueeze(torch.unsqueeze(e, 2), 3))");
		normSilu(b.norm2, "h", "h", name + "_norm2");
		line("h = " + conv(b.conv2, "h", 1, 1, name + "_conv2"));
		line("y = torch.add(" + (b.skip == null ? "y" : conv(b.skip, "y", 1, 0, name + "_skip")) + ", h)");
	}

	private String conv(final Block conv, final String in, final int stride, final int pad,
		final String name)
	{
		final String w = tensor(param(conv, "weight"), name + "_weight");
		final String bias = tensor(param(conv, "bias"), name + "_bias");
		return "torch.conv2d(" + in + ", " + w + ", " + bias + ", [" + stride + ", " + stride + "], [" +
			pad + ", " + pad + "], [1, 1], 1)";
	}

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

	/**
	 * Adds a tensor attribute holding the array's values (read to the host once, at load), in the
	 * given shape of the same size; returns how the source names it.
	 */
	private String tensor(final NDArray a, final long[] shape, final String name) {
		final String attr = name.replaceAll("[^A-Za-z0-9_]", "_") + "_" + names++;
		tensors.add(new TorchScriptArchive.Tensor(attr, a.getDataType(), shape, a.toByteArray()));
		return "self." + attr;
	}

	private void line(final String s) {
		code.append("    ").append(s).append('\n');
	}
}
