package sc.fiji.diffusion.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/** {@code --key value} options of one verb, checked against the keys the verb accepts. */
final class Options {

	private final Map<String, String> values = new LinkedHashMap<>();

	Options(final String[] args, final int from, final Set<String> accepted) throws UsageException {
		for (int i = from; i < args.length; i++) {
			final String a = args[i];
			if (!a.startsWith("--") || a.length() < 3) {
				throw new UsageException("Unexpected argument '" + a + "': options are --key value.");
			}
			final String key = a.substring(2);
			if (!accepted.contains(key)) {
				throw new UsageException("Unknown option --" + key + (accepted.isEmpty()
					? "; this verb takes no options." : "; this verb accepts: --" + String.join(", --",
						new java.util.TreeSet<>(accepted)) + "."));
			}
			if (i + 1 >= args.length) throw new UsageException("Option --" + key + " needs a value.");
			values.put(key, args[++i]);
		}
	}

	String get(final String key, final String fallback) {
		return values.getOrDefault(key, fallback);
	}

	String required(final String key) throws UsageException {
		final String v = values.get(key);
		if (v == null) throw new UsageException("Option --" + key + " is required.");
		return v;
	}

	boolean has(final String key) {
		return values.containsKey(key);
	}

	int integer(final String key, final int fallback) throws UsageException {
		final String v = values.get(key);
		if (v == null) return fallback;
		try {
			return Integer.parseInt(v.trim());
		}
		catch (final NumberFormatException e) {
			throw new UsageException("Option --" + key + " must be a whole number, got '" + v + "'.");
		}
	}

	long longValue(final String key, final long fallback) throws UsageException {
		final String v = values.get(key);
		if (v == null) return fallback;
		try {
			return Long.parseLong(v.trim());
		}
		catch (final NumberFormatException e) {
			throw new UsageException("Option --" + key + " must be a whole number, got '" + v + "'.");
		}
	}

	double number(final String key, final double fallback) throws UsageException {
		final String v = values.get(key);
		if (v == null) return fallback;
		try {
			return Double.parseDouble(v.trim());
		}
		catch (final NumberFormatException e) {
			throw new UsageException("Option --" + key + " must be a number, got '" + v + "'.");
		}
	}

	/**
	 * A value read by its own type's parser (such as NoiseModel::parse or Devices::check): what the
	 * parser refuses is a usage error naming the option.
	 */
	<T> T parsed(final String key, final String fallback, final Function<String, T> parse)
		throws UsageException
	{
		final String v = get(key, fallback);
		try {
			return parse.apply(v);
		}
		catch (final IllegalArgumentException e) {
			throw new UsageException("--" + key + ": " + e.getMessage());
		}
	}

	/** A check of values already read (such as RestoreOptions.check): what it refuses is a usage error. */
	static void check(final Runnable check) throws UsageException {
		value(() -> {
			check.run();
			return null;
		});
	}

	/** A value made from values already read: what its maker refuses is a usage error. */
	static <T> T value(final Supplier<T> maker) throws UsageException {
		try {
			return maker.get();
		}
		catch (final IllegalArgumentException e) {
			throw new UsageException(e.getMessage());
		}
	}

	/** --precision (auto, float, half or bfloat16) of a model on that device. */
	sc.fiji.diffusion.engine.Precision precision(final ai.djl.Device device) throws UsageException {
		try {
			return sc.fiji.diffusion.engine.Precision.choose(get("precision", "auto"), device);
		}
		catch (final IllegalArgumentException e) {
			throw new UsageException("--precision: " + e.getMessage());
		}
	}
}
