package sc.fiji.diffusion.engine;

import java.util.Locale;

/**
 * How far a run is and how long it has left, in the words the status bar and the command line show.
 * The percentage has a decimal, so that a long run is seen to move between whole percents.
 */
public final class Pace {

	/** Above this many steps a run says, after its first step, how long it will take. */
	public static final int LONG_RUN = 200;

	private final long start = System.nanoTime();

	/** Seconds since this pace began. */
	public double seconds() {
		return (System.nanoTime() - start) / 1e9;
	}

	/** "12.5%, about 3 min left". */
	public String describe(final int done, final int total) {
		return percent(done, total) + left(done, total);
	}

	/** "12.5%". */
	public static String percent(final int done, final int total) {
		return String.format(Locale.ROOT, "%.1f%%", 100.0 * done / Math.max(1, total));
	}

	/** ", about 3 min left"; nothing before the first unit of work or after the last. */
	public String left(final int done, final int total) {
		return done > 0 && done < total ? ", about " + duration(seconds() * (total - done) / done) +
			" left" : "";
	}

	/** "about 25 h in all", from the first units of work. */
	public String estimate(final int done, final int total) {
		return "about " + duration(seconds() * total / Math.max(1, done)) + " in all";
	}

	public static String duration(final double seconds) {
		if (seconds < 90) return Math.round(seconds) + " s";
		if (seconds < 5400) return Math.round(seconds / 60) + " min";
		return String.format(Locale.ROOT, "%.1f h", seconds / 3600);
	}
}
