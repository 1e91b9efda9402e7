package sc.fiji.diffusion.engine;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * NCSN's variance-exploding noise levels: a geometric sequence between sigma_max and sigma_min (Song
 * and Ermon 2019). The network is trained on log-uniform sigmas in that range, so any sigma inside it
 * is served, not only the levels of the sequence.
 */
public final class VeSchedule implements NoiseSchedule {

	private final double sigmaMin, sigmaMax;

	public VeSchedule(final double sigmaMin, final double sigmaMax) {
		if (!(sigmaMin > 0 && sigmaMax > sigmaMin && Double.isFinite(sigmaMax))) {
			throw new IllegalArgumentException("An NCSN schedule needs 0 < sigma_min < sigma_max, got " +
				sigmaMin + ", " + sigmaMax + ".");
		}
		this.sigmaMin = sigmaMin;
		this.sigmaMax = sigmaMax;
	}

	@Override
	public double sigmaMin() {
		return sigmaMin;
	}

	@Override
	public double sigmaMax() {
		return sigmaMax;
	}

	@Override
	public double[] sigmas(final int steps) {
		return NoiseSchedule.geometric(sigmaMax, sigmaMin, steps);
	}

	@Override
	public Map<String, Object> describe() {
		final Map<String, Object> m = new LinkedHashMap<>();
		m.put("type", "geometric");
		m.put("sigma_min", sigmaMin);
		m.put("sigma_max", sigmaMax);
		return m;
	}
}
