package sc.fiji.diffusion.engine;

import java.util.Locale;

/** The two model families of this plugin. */
public enum Family {
	/** Variance preserving, noise prediction, conditioned on a (fractional) timestep. */
	DDPM,
	/** Variance exploding, score-based, conditioned on log sigma. */
	NCSN;

	public static Family parse(final String name) {
		if (name != null) {
			for (final Family f : values()) {
				if (f.name().equalsIgnoreCase(name.trim())) return f;
			}
		}
		throw new IllegalArgumentException("Unknown model family '" + name + "': use ddpm or ncsn.");
	}

	public String key() {
		return name().toLowerCase(Locale.ROOT);
	}
}
