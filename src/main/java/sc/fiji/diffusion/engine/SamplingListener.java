package sc.fiji.diffusion.engine;

/**
 * Hears about each finished sampler step; may stop the run by throwing
 * {@link java.util.concurrent.CancellationException}. Called between steps, never with device values.
 */
@FunctionalInterface
public interface SamplingListener {

	SamplingListener NONE = (done, total) -> {};

	void stepDone(int done, int total);
}
