package sc.fiji.diffusion.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.Pair;
import ai.djl.util.PairList;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The denoising network: a U-Net (Ronneberger et al. 2015) as used by DDPM (Ho et al. 2020), with
 * residual blocks, GroupNorm, SiLU and a sinusoidal embedding of a scalar noise label. Inputs: an
 * image batch (N, C, H, W) with H and W multiples of {@link UNetConfig#sizeMultiple()}, and the noise
 * labels (N). Output: same shape as the image. What the output means (noise, or a scaled residual)
 * is up to the denoiser that wraps it.
 */
public final class UNet extends AbstractBlock {

	private static final byte VERSION = 1;

	// Package-private for UNetScript, which writes the same network as TorchScript.
	final UNetConfig config;
	private final int imageChannels;
	final Parameter frequencies;
	final Block embedIn, embedOut, inConv, outNorm, outConv;
	final List<List<ResBlock>> down = new ArrayList<>(), up = new ArrayList<>();
	final List<Block> downsample = new ArrayList<>(), upsample = new ArrayList<>();
	final ResBlock mid1, mid2;
	/** Set by the first evaluation: a parameter store may hold the weights from then on. */
	private volatile boolean evaluated;

	public UNet(final UNetConfig config, final int imageChannels) {
		super(VERSION);
		this.config = config;
		this.imageChannels = imageChannels;
		final int[] w = config.widths();
		final int e = config.embedDim();
		final int half = e / 2;
		// Fixed, not learned: kept as a parameter so it lives on the model's device with the weights.
		frequencies = addParameter(Parameter.builder().setName("frequencies").setType(
			Parameter.Type.OTHER).optShape(new Shape(half)).optRequiresGrad(false).optInitializer(
				new FrequencyInitializer()).build());
		embedIn = addChildBlock("embed_in", Linear.builder().setUnits(e).build());
		embedOut = addChildBlock("embed_out", Linear.builder().setUnits(e).build());
		inConv = addChildBlock("in_conv", conv(w[0], 3, 1));
		for (int l = 0; l < w.length; l++) {
			final List<ResBlock> blocks = new ArrayList<>();
			for (int r = 0; r < config.resBlocks(); r++) {
				blocks.add(addChildBlock("down" + l + "_" + r, new ResBlock(w[l], config.groups())));
			}
			down.add(blocks);
			if (l < w.length - 1) downsample.add(addChildBlock("downsample" + l, conv(w[l + 1], 3, 2)));
		}
		mid1 = addChildBlock("mid1", new ResBlock(w[w.length - 1], config.groups()));
		mid2 = addChildBlock("mid2", new ResBlock(w[w.length - 1], config.groups()));
		for (int l = w.length - 1; l >= 0; l--) {
			final List<ResBlock> blocks = new ArrayList<>();
			for (int r = 0; r < config.resBlocks(); r++) {
				blocks.add(addChildBlock("up" + l + "_" + r, new ResBlock(w[l], config.groups())));
			}
			up.add(blocks);
			if (l > 0) upsample.add(addChildBlock("upsample" + l, conv(w[l - 1], 3, 1)));
		}
		outNorm = addChildBlock("out_norm", new GroupNorm(config.groups(), w[0]));
		outConv = addChildBlock("out_conv", conv(imageChannels, 3, 1));
		// A zero last layer starts training from "output zero", a stable start for both families.
		outConv.setInitializer(Initializer.ZEROS, Parameter.Type.WEIGHT);
	}

	public UNetConfig config() {
		return config;
	}

	public int imageChannels() {
		return imageChannels;
	}

	/** The type the initialized network computes in: its weights' (float, or half after a cast). */
	public DataType dataType() {
		return inConv.getParameters().valueAt(0).getArray().getDataType();
	}

	static Conv2d conv(final int filters, final int kernel, final int stride) {
		return Conv2d.builder().setFilters(filters).setKernelShape(new Shape(kernel, kernel))
			.optStride(new Shape(stride, stride)).optPadding(new Shape(kernel / 2, kernel / 2)).build();
	}

	static NDArray silu(final NDArray x) {
		return x.mul(Activation.sigmoid(x));
	}

	@Override
	protected NDList forwardInternal(final ParameterStore ps, final NDList inputs,
		final boolean training, final PairList<String, Object> params)
	{
		final NDArray x = inputs.get(0);
		final NDArray label = inputs.get(1);
		evaluated = true;
		final long h = x.getShape().get(2), wd = x.getShape().get(3);
		if (h % config.sizeMultiple() != 0 || wd % config.sizeMultiple() != 0) {
			throw new IllegalArgumentException("U-Net input sides must be multiples of " + config
				.sizeMultiple() + ", got " + h + " x " + wd + ".");
		}
		final NDArray f = ps.getValue(frequencies, x.getDevice(), training);
		// Labels run to 1000: in half precision their spacing there would be 0.5, so the sinusoids are
		// computed in the labels' own (float) type and only their values go to the network's type.
		final NDArray angles = label.reshape(-1, 1).mul(f);
		NDArray emb = angles.sin().concat(angles.cos(), 1).toType(x.getDataType(), false);
		emb = embedIn.forward(ps, new NDList(emb), training).singletonOrThrow();
		emb = embedOut.forward(ps, new NDList(silu(emb)), training).singletonOrThrow();

		NDArray y = inConv.forward(ps, new NDList(x), training).singletonOrThrow();
		final Deque<NDArray> skips = new ArrayDeque<>();
		for (int l = 0; l < down.size(); l++) {
			for (final ResBlock b : down.get(l)) y = b.apply(ps, y, emb, training);
			skips.push(y);
			if (l < downsample.size()) {
				y = downsample.get(l).forward(ps, new NDList(y), training).singletonOrThrow();
			}
		}
		y = mid2.apply(ps, mid1.apply(ps, y, emb, training), emb, training);
		for (int i = 0; i < up.size(); i++) {
			y = y.concat(skips.pop(), 1);
			for (final ResBlock b : up.get(i)) y = b.apply(ps, y, emb, training);
			if (i < upsample.size()) {
				final NDArray nearest = y.repeat(2, 2).repeat(3, 2);
				y = upsample.get(i).forward(ps, new NDList(nearest), training).singletonOrThrow();
			}
		}
		y = silu(outNorm.forward(ps, new NDList(y), training).singletonOrThrow());
		return outConv.forward(ps, new NDList(y), training);
	}

	@Override
	public Shape[] getOutputShapes(final Shape[] inputShapes) {
		return new Shape[] { inputShapes[0] };
	}

	/**
	 * Casts the initialized weights to another type, in place (DJL's blocks do not implement this):
	 * for inference in half precision on a GPU. The embedding frequencies stay float. Images then go
	 * in as that type; labels stay float.
	 *
	 * @throws IllegalStateException after the first evaluation, when parameter stores may hold the old
	 *           weights
	 */
	@Override
	public void cast(final DataType type) {
		if (evaluated) {
			throw new IllegalStateException("Cast the network before its first evaluation: parameter " +
				"stores keep the weights they have seen.");
		}
		for (final Pair<String, Parameter> p : getParameters()) {
			final Parameter parameter = p.getValue();
			if (parameter == frequencies || parameter.getArray().getDataType() == type) continue;
			final NDArray old = parameter.getArray();
			final NDArray cast = old.toType(type, false);
			final Initializer initializer = parameter.getInitializer();
			// A parameter's array is set once; closing empties it, and initializing fills it again.
			parameter.close();
			parameter.setInitializer((manager, shape, dataType) -> cast);
			parameter.initialize(cast.getManager(), type);
			parameter.setInitializer(initializer);
		}
	}

	@Override
	protected void initializeChildBlocks(final NDManager manager, final DataType dataType,
		final Shape... inputShapes)
	{
		final Shape in = inputShapes[0];
		final long n = in.get(0), hh = in.get(2), ww = in.get(3);
		final int[] w = config.widths();
		final int e = config.embedDim();
		embedIn.initialize(manager, dataType, new Shape(n, e));
		embedOut.initialize(manager, dataType, new Shape(n, e));
		inConv.initialize(manager, dataType, in);
		final Shape emb = new Shape(n, e);
		long h = hh, wi = ww;
		for (int l = 0; l < w.length; l++) {
			for (int r = 0; r < down.get(l).size(); r++) {
				// The first block of a level takes the previous level's (downsampled) width.
				down.get(l).get(r).initialize(manager, dataType, new Shape(n, w[l], h, wi), emb);
			}
			if (l < w.length - 1) {
				downsample.get(l).initialize(manager, dataType, new Shape(n, w[l], h, wi));
				h = (h + 1) / 2;
				wi = (wi + 1) / 2;
			}
		}
		final int last = w.length - 1;
		mid1.initialize(manager, dataType, new Shape(n, w[last], h, wi), emb);
		mid2.initialize(manager, dataType, new Shape(n, w[last], h, wi), emb);
		for (int i = 0; i < up.size(); i++) {
			final int l = last - i;
			for (int r = 0; r < up.get(i).size(); r++) {
				final int inC = r == 0 ? 2 * w[l] : w[l];
				up.get(i).get(r).initialize(manager, dataType, new Shape(n, inC, h, wi), emb);
			}
			if (i < upsample.size()) {
				h *= 2;
				wi *= 2;
				upsample.get(i).initialize(manager, dataType, new Shape(n, w[l], h, wi));
			}
		}
		outNorm.initialize(manager, dataType, new Shape(n, w[0], hh, ww));
		outConv.initialize(manager, dataType, new Shape(n, w[0], hh, ww));
	}

	/** Geometric frequencies from 1 down to 1/10000, as in the Transformer's positional encoding. */
	private static final class FrequencyInitializer implements Initializer {

		@Override
		public NDArray initialize(final NDManager manager, final Shape shape, final DataType dataType) {
			final int half = (int) shape.get(0);
			final float[] f = new float[half];
			for (int i = 0; i < half; i++) f[i] = (float) Math.exp(-Math.log(10000) * i / half);
			return manager.create(f).toType(dataType, false);
		}
	}

	/**
	 * GroupNorm, SiLU, 3x3 convolution, plus the projected embedding; again; plus a skip path (1x1
	 * convolution when the width changes).
	 */
	static final class ResBlock extends AbstractBlock {

		private final int channels;
		private final int groups;
		GroupNorm norm1;
		final GroupNorm norm2;
		final Block conv1, conv2, embProj;
		Block skip;

		ResBlock(final int channels, final int groups) {
			super(VERSION);
			this.channels = channels;
			this.groups = groups;
			conv1 = addChildBlock("conv1", conv(channels, 3, 1));
			embProj = addChildBlock("emb", Linear.builder().setUnits(channels).build());
			norm2 = addChildBlock("norm2", new GroupNorm(groups, channels));
			conv2 = addChildBlock("conv2", conv(channels, 3, 1));
		}

		NDArray apply(final ParameterStore ps, final NDArray x, final NDArray emb,
			final boolean training)
		{
			return forward(ps, new NDList(x, emb), training).singletonOrThrow();
		}

		@Override
		protected NDList forwardInternal(final ParameterStore ps, final NDList inputs,
			final boolean training, final PairList<String, Object> params)
		{
			final NDArray x = inputs.get(0);
			final NDArray emb = inputs.get(1);
			NDArray h = silu(norm1.forward(ps, new NDList(x), training).singletonOrThrow());
			h = conv1.forward(ps, new NDList(h), training).singletonOrThrow();
			final NDArray e = embProj.forward(ps, new NDList(silu(emb)), training).singletonOrThrow();
			h = h.add(e.reshape(e.getShape().get(0), channels, 1, 1));
			h = silu(norm2.forward(ps, new NDList(h), training).singletonOrThrow());
			h = conv2.forward(ps, new NDList(h), training).singletonOrThrow();
			final NDArray s = skip == null ? x : skip.forward(ps, new NDList(x), training)
				.singletonOrThrow();
			return new NDList(NDArrays.add(s, h));
		}

		@Override
		public Shape[] getOutputShapes(final Shape[] inputShapes) {
			final Shape in = inputShapes[0];
			return new Shape[] { new Shape(in.get(0), channels, in.get(2), in.get(3)) };
		}

		/** The input width is known only here, so the first norm and the skip are created here. */
		@Override
		protected void beforeInitialize(final Shape... inputShapes) {
			super.beforeInitialize(inputShapes);
			final int inC = (int) inputShapes[0].get(1);
			if (norm1 == null) norm1 = addChildBlock("norm1", new GroupNorm(groups, inC));
			if (skip == null && inC != channels) skip = addChildBlock("skip", conv(channels, 1, 1));
		}

		@Override
		protected void initializeChildBlocks(final NDManager manager, final DataType dataType,
			final Shape... inputShapes)
		{
			final Shape x = inputShapes[0];
			final Shape emb = inputShapes[1];
			final Shape out = new Shape(x.get(0), channels, x.get(2), x.get(3));
			norm1.initialize(manager, dataType, x);
			conv1.initialize(manager, dataType, x);
			embProj.initialize(manager, dataType, emb);
			norm2.initialize(manager, dataType, out);
			conv2.initialize(manager, dataType, out);
			if (skip != null) skip.initialize(manager, dataType, x);
		}
	}
}
