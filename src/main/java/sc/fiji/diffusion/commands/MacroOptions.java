package sc.fiji.diffusion.commands;

import java.lang.reflect.Field;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.scijava.Context;
import org.scijava.ItemIO;
import org.scijava.ItemVisibility;
import org.scijava.plugin.Parameter;
import org.scijava.service.Service;

/**
 * ImageJ macro options as Fiji's imagej-legacy writes and reads them for a SciJava command: one
 * {@code key=value} per input, the key the field name in lower case, values with spaces in square
 * brackets, booleans {@code key=true}/{@code key=false} (a bare {@code key}, as ImageJ 1.x dialogs
 * record checkboxes, is read as true). Fiji ignores unknown keys; these commands do not.
 */
final class MacroOptions {

	private MacroOptions() {}

	/** Key to value, in the order written; the last of repeated keys wins. */
	static Map<String, String> parse(final String options) {
		final Map<String, String> out = new LinkedHashMap<>();
		if (options == null) return out;
		final String s = options.trim();
		int i = 0;
		while (i < s.length()) {
			while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
			if (i >= s.length()) break;
			int j = i;
			while (j < s.length() && s.charAt(j) != '=' && !Character.isWhitespace(s.charAt(j))) j++;
			final String key = s.substring(i, j).toLowerCase(java.util.Locale.ROOT);
			if (j >= s.length() || s.charAt(j) != '=') {
				out.put(key, "true");
				i = j;
				continue;
			}
			j++;
			final String value;
			if (j < s.length() && s.charAt(j) == '[') {
				final int close = s.indexOf(']', j + 1);
				if (close < 0) {
					throw new IllegalArgumentException("The value of '" + key + "' opens a [ but never closes " +
						"it: write " + key + "=[value with spaces].");
				}
				value = s.substring(j + 1, close);
				i = close + 1;
			}
			else {
				int k = j;
				while (k < s.length() && !Character.isWhitespace(s.charAt(k))) k++;
				value = s.substring(j, k);
				i = k;
			}
			out.put(key, value);
		}
		return out;
	}

	/** The macro keys of a command: its input fields (services and messages excluded), lower case. */
	static Set<String> keys(final Class<?> command) {
		final Set<String> keys = new TreeSet<>();
		for (final Field f : inputs(command).values()) keys.add(f.getName().toLowerCase(
			java.util.Locale.ROOT));
		return keys;
	}

	/** Input fields by macro key, superclass fields included (first). */
	static Map<String, Field> inputs(final Class<?> command) {
		final Map<String, Field> out = new LinkedHashMap<>();
		final java.util.Deque<Class<?>> lineage = new java.util.ArrayDeque<>();
		for (Class<?> c = command; c != null && c != Object.class; c = c.getSuperclass()) lineage.push(c);
		// Superclass fields first: the image, then what all commands share, then the command's own.
		for (final Class<?> c : lineage) {
			for (final Field f : c.getDeclaredFields()) {
				final Parameter p = f.getAnnotation(Parameter.class);
				if (p == null || p.type() == ItemIO.OUTPUT || p.visibility() == ItemVisibility.MESSAGE) continue;
				if (Service.class.isAssignableFrom(f.getType()) || Context.class.isAssignableFrom(f
					.getType())) continue;
				out.putIfAbsent(f.getName().toLowerCase(java.util.Locale.ROOT), f);
			}
		}
		return out;
	}

	/**
	 * @throws IllegalArgumentException naming the unknown keys and listing the accepted ones
	 */
	static void check(final Class<?> command, final String label, final String options) {
		final Set<String> accepted = keys(command);
		final Set<String> unknown = new TreeSet<>(parse(options).keySet());
		unknown.removeAll(accepted);
		if (!unknown.isEmpty()) {
			throw new IllegalArgumentException("Unknown key" + (unknown.size() > 1 ? "s " : " ") + String.join(
				", ", unknown) + " in the macro options of \"" + label + "\". Accepted keys: " + String.join(
					", ", accepted) + ".");
		}
	}
}
