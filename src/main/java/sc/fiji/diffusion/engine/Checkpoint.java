package sc.fiji.diffusion.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

import java.util.LinkedHashMap;
import java.util.Map;

/** Moves network parameters between the device and host tensors, by name, with shape checks. */
public final class Checkpoint {

	private Checkpoint() {}

	static TensorFile.Tensor toHost(final NDArray a) {
		return new TensorFile.Tensor(a.getShape().getShape(), HostReads.floats(a));
	}

	static NDArray toDevice(final TensorFile.Tensor t, final NDManager manager) {
		return manager.create(t.values(), new Shape(t.shape()));
	}

	/**
	 * Gives an array new values in place: a copy of an array made from them takes over its tensor, with
	 * the array's type and gradient. Not {@link NDArray#set}: DJL's JNI sets values under a mode that
	 * PyTorch has deprecated and warns of on stderr at the first call, which no log level hides.
	 */
	static void fill(final NDArray target, final float[] values) {
		final boolean gradient = target.hasGradient();
		try (NDArray made = target.getManager().create(values, target.getShape())) {
			// On the CPU the made tensor lies in the Java buffer it was made from, which goes with the made
			// array (and the garbage collector): the target takes a copy that owns its memory.
			target.intern(made.getDataType() == target.getDataType() ? made.duplicate() : made.toType(target
				.getDataType(), false));
		}
		if (gradient) target.setRequiresGradient(true);
	}

	/** All parameters of an initialized block, keyed by their stable names. */
	public static Map<String, TensorFile.Tensor> weights(final Block block) {
		final Map<String, TensorFile.Tensor> out = new LinkedHashMap<>();
		for (final Pair<String, Parameter> p : block.getParameters()) {
			out.put(p.getKey(), toHost(p.getValue().getArray()));
		}
		return out;
	}

	/**
	 * Copies weights into an initialized block, in place.
	 *
	 * @param prefix prefix of the keys in {@code weights} ("" for a model file)
	 * @throws IllegalArgumentException naming the first missing or mis-shaped tensor: the file was made
	 *           for another network
	 */
	public static void load(final Block block, final Map<String, TensorFile.Tensor> weights,
		final String prefix)
	{
		int expected = 0;
		for (final Pair<String, Parameter> p : block.getParameters()) {
			expected++;
			final TensorFile.Tensor t = weights.get(prefix + p.getKey());
			if (t == null) {
				throw new IllegalArgumentException("The weights lack tensor '" + p.getKey() +
					"': they belong to another network than the model card describes.");
			}
			final Shape shape = p.getValue().getArray().getShape();
			if (!shape.equals(new Shape(t.shape()))) {
				throw new IllegalArgumentException("Tensor '" + p.getKey() + "' has shape " + new Shape(t
					.shape()) + " in the weights but " + shape + " in the network the card describes.");
			}
			fill(p.getValue().getArray(), t.values());
		}
		final long present = weights.keySet().stream().filter(k -> k.startsWith(prefix)).count();
		if (present != expected) {
			throw new IllegalArgumentException("The weights hold " + present + " tensors, the network " +
				expected + ": they belong to another network than the model card describes.");
		}
	}
}
