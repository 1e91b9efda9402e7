package sc.fiji.diffusion.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Group normalization (Wu and He 2018) for DJL, which has no such block. Folding (batch, group) into
 * the channel axis of a 1 x (B*G) x rest array turns it into batch normalization in training mode,
 * which PyTorch runs as one fused kernel; measured faster here than mean/variance by hand. Statistics
 * come from the whole spatial extent of the input, so a tiled evaluation must use tiles at least as
 * large as the training patch.
 */
public final class GroupNorm extends AbstractBlock {

	private static final byte VERSION = 1;

	private final int groups;
	private final float epsilon;
	private final Parameter gamma, beta;

	public GroupNorm(final int groups, final int channels) {
		super(VERSION);
		if (groups < 1 || channels % groups != 0) {
			throw new IllegalArgumentException("GroupNorm needs channels (" + channels +
				") divisible by groups (" + groups + ").");
		}
		this.groups = groups;
		this.epsilon = 1e-5f;
		gamma = addParameter(Parameter.builder().setName("gamma").setType(Parameter.Type.GAMMA)
			.optShape(new Shape(channels, 1, 1)).build());
		beta = addParameter(Parameter.builder().setName("beta").setType(Parameter.Type.BETA)
			.optShape(new Shape(channels, 1, 1)).build());
	}

	int groups() {
		return groups;
	}

	float epsilon() {
		return epsilon;
	}

	@Override
	protected NDList forwardInternal(final ParameterStore store, final NDList inputs,
		final boolean training, final PairList<String, Object> params)
	{
		final NDArray x = inputs.singletonOrThrow();
		final NDArray g = store.getValue(gamma, x.getDevice(), training);
		final NDArray b = store.getValue(beta, x.getDevice(), training);
		// Shaped (C, 1, 1) so they broadcast without a reshape: a reshape of a parameter would be a
		// new array in the parameters' manager, one per call, never freed.
		return new NDList(normalize(x, groups, epsilon, constants(x, g)).mul(g).add(b));
	}

	/** The kernel's four per-row arrays, at least as long as the largest batch seen so far. */
	private volatile NDArray[] identity;

	/**
	 * The kernel's four per-row arrays for this input: views of the first rows of arrays kept in the
	 * weights' manager (not four new arrays in every call, each a device allocation and a fill); the
	 * views belong to the input's manager and die with it. The kept arrays grow by doubling, so a
	 * model holds at most a few of them whatever the batch sizes.
	 */
	private NDArray[] constants(final NDArray x, final NDArray weights) {
		final long rows = x.getShape().get(0) * groups;
		NDArray[] kept = identity;
		if (kept == null || kept[0].getShape().get(0) < rows || !kept[0].getDevice().equals(x.getDevice())) {
			synchronized (this) {
				kept = identity;
				if (kept == null || kept[0].getShape().get(0) < rows || !kept[0].getDevice().equals(x
					.getDevice()))
				{
					// The old ones are not closed: a call on another thread may still be using them.
					final long size = kept == null || !kept[0].getDevice().equals(x.getDevice()) ? rows : Math
						.max(rows, 2 * kept[0].getShape().get(0));
					kept = identity(weights.getManager(), size, x.getDevice());
					identity = kept;
				}
			}
		}
		if (kept[0].getShape().get(0) == rows) return kept;
		final NDArray[] views = new NDArray[4];
		for (int i = 0; i < 4; i++) {
			views[i] = kept[i].get("0:" + rows);
			views[i].attach(x.getManager());
		}
		return views;
	}

	/**
	 * Running mean, running variance, weight and bias for the kernel over this many folded rows.
	 * Running statistics are required by the kernel and thrown away (its output in training mode does
	 * not read them; it overwrites them), and the per-channel affine step follows outside, so weight
	 * and bias are identity here. The four must be distinct arrays: the kernel writes the running ones
	 * in place. In float even for a half input: PyTorch takes cuDNN's kernel for half only with float
	 * statistics and weights, as mixed precision training uses it.
	 */
	private static NDArray[] identity(final NDManager m, final long rows, final ai.djl.Device device) {
		final DataType type = DataType.FLOAT32;
		final Shape shape = new Shape(rows);
		return new NDArray[] { m.zeros(shape, type, device), m.ones(shape, type, device), m.ones(shape,
			type, device), m.zeros(shape, type, device) };
	}

	/** Normalizes each (sample, group) of an (N, C, H, W) array to zero mean and unit variance. */
	private static NDArray normalize(final NDArray x, final int groups, final float epsilon,
		final NDArray[] c)
	{
		final Shape s = x.getShape();
		final NDArray folded = x.reshape(1, s.get(0) * groups, -1);
		return BatchNorm.batchNorm(folded, c[0], c[1], c[2], c[3], 1, 1f, epsilon, true).singletonOrThrow()
			.reshape(s);
	}

	@Override
	public Shape[] getOutputShapes(final Shape[] inputShapes) {
		return new Shape[] { inputShapes[0] };
	}

	@Override
	protected void initializeChildBlocks(final NDManager manager, final DataType dataType,
		final Shape... inputShapes)
	{
		// no children
	}
}
