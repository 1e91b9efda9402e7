package sc.fiji.diffusion.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * PyTorch's autograd switches, which DJL does not expose. Grad mode is per thread and on by default
 * in a new thread: a sampling thread that forgets to turn it off records a graph per step and runs
 * out of memory.
 */
public final class Autograd {

	private Autograd() {}

	/** Stops recording operations for gradients on the calling thread. */
	public static void off() {
		JniUtils.setGradMode(false);
	}

	public static boolean isOn() {
		return JniUtils.isGradMode();
	}

	/** Sets the accumulated gradient of a parameter to zero. */
	public static void zeroGradient(final NDArray parameter) {
		JniUtils.zeroGrad((PtNDArray) parameter);
	}
}
