package sc.fiji.diffusion.engine;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * DDPM's variance-preserving schedule: betas over T discrete timesteps, linear (Ho et al. 2020) or
 * cosine (Nichol and Dhariwal 2021). Timestep t (0-based) has {@code abar_t = prod_{s<=t}(1-beta_s)}
 * and, in the sigma view, {@code sigma_t = sqrt((1 - abar_t) / abar_t)}. Fractional timesteps are
 * interpolated linearly in log-SNR ({@code -2 log sigma}), so every sigma between the first and the
 * last step has a timestep and back.
 */
public final class VpSchedule implements NoiseSchedule {

	public enum Kind { LINEAR, COSINE }

	private final Kind kind;
	private final double betaStart, betaEnd;
	private final double[] abar;
	/** log-SNR per timestep, strictly decreasing. */
	private final double[] logSnr;

	private VpSchedule(final Kind kind, final double[] betas, final double betaStart,
		final double betaEnd)
	{
		this.kind = kind;
		this.betaStart = betaStart;
		this.betaEnd = betaEnd;
		abar = new double[betas.length];
		logSnr = new double[betas.length];
		double prod = 1;
		for (int t = 0; t < betas.length; t++) {
			prod *= 1 - betas[t];
			abar[t] = prod;
			logSnr[t] = Math.log(prod / (1 - prod));
			if (t > 0 && !(logSnr[t] < logSnr[t - 1])) {
				throw new IllegalArgumentException("Betas must give a strictly decreasing signal-to-noise " +
					"ratio; check timestep " + t + ".");
			}
		}
	}

	/** Linear betas from betaStart to betaEnd over T steps (DDPM: 1e-4, 0.02, 1000). */
	public static VpSchedule linear(final int timesteps, final double betaStart, final double betaEnd) {
		if (timesteps < 2) throw new IllegalArgumentException("A DDPM schedule needs at least 2 timesteps.");
		if (!(betaStart > 0 && betaEnd < 1 && betaStart <= betaEnd)) {
			throw new IllegalArgumentException("Betas must satisfy 0 < beta_start <= beta_end < 1, got " +
				betaStart + ", " + betaEnd + ".");
		}
		final double[] b = new double[timesteps];
		for (int t = 0; t < timesteps; t++) {
			b[t] = betaStart + (betaEnd - betaStart) * t / (timesteps - 1);
		}
		return new VpSchedule(Kind.LINEAR, b, betaStart, betaEnd);
	}

	/** Cosine schedule: {@code abar(t) = f(t)/f(0)}, {@code f(t) = cos^2(((t/T)+s)/(1+s) pi/2)}, s = 0.008. */
	public static VpSchedule cosine(final int timesteps) {
		if (timesteps < 2) throw new IllegalArgumentException("A DDPM schedule needs at least 2 timesteps.");
		final double s = 0.008;
		final double[] b = new double[timesteps];
		for (int t = 0; t < timesteps; t++) {
			final double a1 = cosineF((t + 1.0) / timesteps, s) / cosineF(0, s);
			final double a0 = cosineF((double) t / timesteps, s) / cosineF(0, s);
			// Clipped as in the paper: the last betas would reach 1 and give an infinite sigma.
			b[t] = Math.min(1 - a1 / a0, 0.999);
		}
		return new VpSchedule(Kind.COSINE, b, 0, 0);
	}

	private static double cosineF(final double u, final double s) {
		final double c = Math.cos((u + s) / (1 + s) * Math.PI / 2);
		return c * c;
	}

	public Kind kind() {
		return kind;
	}

	public int timesteps() {
		return abar.length;
	}

	/** Cumulative product of (1 - beta) at integer timestep t. */
	public double alphaBar(final int t) {
		return abar[t];
	}

	/** log-SNR table, index = timestep; the DDPM denoiser interpolates it on the device. */
	public double[] logSnrTable() {
		return logSnr.clone();
	}

	/** Sigma of a (fractional) timestep in [0, T-1]. */
	public double sigma(final double t) {
		if (!(t >= 0 && t <= abar.length - 1)) {
			throw new IllegalArgumentException("Timestep " + t + " is outside [0, " + (abar.length - 1) + "].");
		}
		final int lo = (int) Math.floor(t);
		final int hi = Math.min(lo + 1, abar.length - 1);
		final double f = t - lo;
		final double lambda = (1 - f) * logSnr[lo] + f * logSnr[hi];
		return Math.exp(-lambda / 2);
	}

	/** Fractional timestep of a sigma; sigmas beyond the schedule's ends map to 0 or T-1. */
	public double timestep(final double sigma) {
		if (!(sigma > 0)) throw new IllegalArgumentException("Sigma must be positive, got " + sigma + ".");
		final double lambda = -2 * Math.log(sigma);
		if (lambda >= logSnr[0]) return 0;
		final int last = logSnr.length - 1;
		if (lambda <= logSnr[last]) return last;
		// Binary search for logSnr[lo] > lambda >= logSnr[lo + 1].
		int lo = 0, hi = last;
		while (hi - lo > 1) {
			final int mid = (lo + hi) >>> 1;
			if (logSnr[mid] > lambda) lo = mid;
			else hi = mid;
		}
		return lo + (logSnr[lo] - lambda) / (logSnr[lo] - logSnr[hi]);
	}

	/** Converts the sigma view's noise level to the VP signal scale: {@code abar = 1/(1+sigma^2)}. */
	public static double alphaBarOfSigma(final double sigma) {
		return 1 / (1 + sigma * sigma);
	}

	@Override
	public double sigmaMin() {
		return sigma(0);
	}

	@Override
	public double sigmaMax() {
		return sigma(abar.length - 1);
	}

	/** Evenly spaced timesteps from T-1 down to 0, as sigmas. */
	@Override
	public double[] sigmas(final int steps) {
		NoiseSchedule.requirePositiveSteps(steps);
		final double[] s = new double[steps];
		final int last = abar.length - 1;
		for (int i = 0; i < steps; i++) {
			final double t = steps == 1 ? last : last * (1 - (double) i / (steps - 1));
			s[i] = sigma(t);
		}
		return s;
	}

	@Override
	public Map<String, Object> describe() {
		final Map<String, Object> m = new LinkedHashMap<>();
		m.put("type", kind == Kind.LINEAR ? "linear" : "cosine");
		m.put("timesteps", abar.length);
		if (kind == Kind.LINEAR) {
			m.put("beta_start", betaStart);
			m.put("beta_end", betaEnd);
		}
		return m;
	}
}
