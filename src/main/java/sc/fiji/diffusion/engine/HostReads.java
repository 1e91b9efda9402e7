package sc.fiji.diffusion.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The one place that copies values from the compute device back to Java. On a GPU every such read
 * waits for the device to finish its queue, so sampling loops must never call it; a test counts the
 * calls made while sampling.
 */
public final class HostReads {

	private static final AtomicLong READS = new AtomicLong();

	private HostReads() {}

	/** Copies an array of any shape to the host as floats (row-major). */
	public static float[] floats(final NDArray array) {
		READS.incrementAndGet();
		if (array.getDataType() == DataType.FLOAT32) return array.toFloatArray();
		try (NDArray f = array.toType(DataType.FLOAT32, false)) {
			return f.toFloatArray();
		}
	}

	/** Copies a single value to the host. */
	public static double scalar(final NDArray array) {
		final float[] values = floats(array);
		if (values.length != 1) {
			throw new IllegalArgumentException("Expected a single value, got shape " + array.getShape());
		}
		return values[0];
	}

	/** Number of device-to-host reads since the JVM started. */
	public static long count() {
		return READS.get();
	}
}
