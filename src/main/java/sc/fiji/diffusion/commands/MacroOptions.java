package sc.fiji.diffusion.commands;

import ij.ImagePlus;
import ij.WindowManager;

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
 * record checkboxes, is refused with what to write, since Fiji would not read it). Fiji ignores
 * unknown keys; these commands do not.
 */
final class MacroOptions {

	private MacroOptions() {}

	/**
	 * Key to value, in the order written; the first of repeated keys wins, as in ImageJ's
	 * Macro.getValue. Keys are kept as written (Fiji matches them case-sensitively); a bare key (no
	 * '=') maps to null. Values in square brackets may contain spaces and nested brackets, values in
	 * single quotes spaces, as Macro.getValue reads them.
	 */
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
			final String key = s.substring(i, j);
			if (j >= s.length() || s.charAt(j) != '=') {
				out.putIfAbsent(key, null);
				i = j;
				continue;
			}
			j++;
			if (j < s.length() && s.charAt(j) == '[') {
				int depth = 0, k = j;
				for (; k < s.length(); k++) {
					if (s.charAt(k) == '[') depth++;
					else if (s.charAt(k) == ']' && --depth == 0) break;
				}
				if (k >= s.length()) {
					throw new IllegalArgumentException("The value of '" + key + "' opens a [ but never closes " +
						"it: write " + key + "=[value with spaces].");
				}
				out.putIfAbsent(key, s.substring(j + 1, k));
				i = k + 1;
			}
			else if (j < s.length() && s.charAt(j) == '\'') {
				final int k = s.indexOf('\'', j + 1);
				if (k < 0) {
					throw new IllegalArgumentException("The value of '" + key + "' opens a ' but never closes " +
						"it: write " + key + "=[value with spaces].");
				}
				out.putIfAbsent(key, s.substring(j + 1, k));
				i = k + 1;
			}
			else {
				int k = j;
				while (k < s.length() && !Character.isWhitespace(s.charAt(k))) k++;
				out.putIfAbsent(key, s.substring(j, k));
				i = k;
			}
		}
		return out;
	}

	/**
	 * A macro value as the field's type, with a message that names the key when it does not fit; an
	 * image by its title (or ID), as Fiji finds it.
	 */
	static Object typed(final String key, final String value, final Class<?> type) {
		if (type == ImagePlus.class) {
			ImagePlus imp = WindowManager.getImage(value);
			if (imp == null && value.matches("-?\\d+")) imp = WindowManager.getImage(Integer.parseInt(value));
			if (imp == null) {
				throw new IllegalArgumentException("No image titled \"" + value + "\" is open: open it first " +
					"or give the title of an open image (" + key + "=[title with spaces]).");
			}
			return imp;
		}
		try {
			// Whole numbers as a macro writes them: large ones in E-notation ("seed=" + getTime()
			// gives 1.7957E12).
			if (type == int.class) return new java.math.BigDecimal(value.trim()).intValueExact();
			if (type == long.class) return new java.math.BigDecimal(value.trim()).longValueExact();
			if (type == double.class) return Double.parseDouble(value.trim());
		}
		catch (final NumberFormatException | ArithmeticException e) {
			throw new IllegalArgumentException(key + " must be " + (type == double.class ? "a number" :
				"a whole number") + ", got \"" + value + "\".");
		}
		if (type == boolean.class) {
			if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
				throw new IllegalArgumentException(key + " must be true or false, got \"" + value + "\".");
			}
			return Boolean.parseBoolean(value);
		}
		return value;
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
		final Map<String, String> given = parse(options);
		final Set<String> unknown = new TreeSet<>(given.keySet());
		unknown.removeAll(accepted);
		if (!unknown.isEmpty()) {
			throw new IllegalArgumentException("Unknown key" + (unknown.size() > 1 ? "s " : " ") + String.join(
				", ", unknown) + " in the macro options of \"" + label + "\" (keys are lower case). " +
				"Accepted keys: " + String.join(", ", accepted) + ".");
		}
		for (final Map.Entry<String, String> e : given.entrySet()) {
			if (e.getValue() == null) {
				throw new IllegalArgumentException("Write " + e.getKey() + "=true (or =false) in the macro " +
					"options of \"" + label + "\": Fiji reads only key=value.");
			}
		}
	}
}
