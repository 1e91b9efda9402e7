package sc.fiji.diffusion.volume;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * OME-Zarr 0.4 (NGFF) images on Zarr v2: the {@code multiscales} metadata of a group's
 * {@code .zattrs} (axes with name, type and unit; datasets from full resolution down, each with its
 * scale), read and written. A plain Zarr array (no group) is read too, its axes guessed from its rank.
 */
public final class OmeZarr {

	/** One axis: name (t, c, z, y, x or other), type (time, channel, space or null), unit or null. */
	public record Axis(String name, String type, String unit) {

		public boolean isSpace() {
			return "space".equals(type);
		}
	}

	/** An image: the array of one resolution level, its axes and the size of a pixel along each. */
	public record Image(VolumeArray array, List<Axis> axes, double[] scale, String path)
		implements AutoCloseable
	{

		/** Closes the file behind the array where it holds one open (HDF5). */
		@Override
		public void close() {
			if (array instanceof Hdf5Array h) h.close();
		}

		/** The array as a Zarr array (an image this class opened or created). */
		public ZarrArray zarr() {
			return (ZarrArray) array;
		}

		/** The index of the axis of that name, or -1. */
		public int axis(final String name) {
			for (int i = 0; i < axes.size(); i++) if (axes.get(i).name().equals(name)) return i;
			return -1;
		}
	}

	private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

	private OmeZarr() {}

	/**
	 * Opens a resolution level of an OME-Zarr image (level 0, the full resolution, by default), or a
	 * plain Zarr array.
	 *
	 * @param level index into {@code datasets}
	 */
	public static Image open(final Path root, final int level, final Consumer<String> log)
		throws IOException
	{
		if (Files.isRegularFile(root.resolve(ZarrArray.META))) {
			final ZarrArray a = ZarrArray.open(root, log);
			final List<Axis> axes = defaultAxes(a.shape().length);
			final double[] scale = new double[axes.size()];
			Arrays.fill(scale, 1);
			log.accept(root + " is a plain Zarr array: axes taken as " + names(axes) + ", pixel size 1.");
			return new Image(a, axes, scale, "");
		}
		final Path attrs = root.resolve(".zattrs");
		if (!Files.isRegularFile(attrs)) {
			throw new IOException(root + " holds neither .zarray nor .zattrs: it is no Zarr array or OME-Zarr " +
				"image.");
		}
		final Map<?, ?> m;
		try {
			m = GSON.fromJson(Files.readString(attrs, StandardCharsets.UTF_8), Map.class);
		}
		catch (final JsonParseException e) {
			throw new IOException(attrs + " is not valid JSON: " + e.getMessage(), e);
		}
		if (m == null || !(m.get("multiscales") instanceof List<?> ms) || ms.isEmpty() || !(ms.get(
			0) instanceof Map<?, ?> multiscale))
		{
			throw new IOException(attrs + " has no multiscales: give an OME-Zarr image (a group with " +
				"multiscales metadata) or a Zarr array.");
		}
		if (!(multiscale.get("datasets") instanceof List<?> datasets) || datasets.isEmpty()) {
			throw new IOException(attrs + ": multiscales holds no datasets.");
		}
		if (level < 0 || level >= datasets.size()) {
			throw new IOException(attrs + " has " + datasets.size() + " resolution levels; level " + level +
				" does not exist.");
		}
		final Map<?, ?> ds = (Map<?, ?>) datasets.get(level);
		final String path = String.valueOf(ds.get("path"));
		final ZarrArray a = ZarrArray.open(root.resolve(path), log);
		final int rank = a.shape().length;
		final List<Axis> axes = multiscale.get("axes") instanceof List<?> l ? axes(l, attrs)
			: defaultAxes(rank);
		if (axes.size() != rank) {
			throw new IOException(attrs + " declares " + axes.size() + " axes " + names(axes) + " for the " +
				rank + "-d array " + path + " of shape " + Arrays.toString(a.shape()) + ": the metadata do not " +
				"match the array.");
		}
		final double[] scale = new double[rank];
		Arrays.fill(scale, 1);
		final List<Object> transforms = new ArrayList<>();
		if (multiscale.get("coordinateTransformations") instanceof List<?> t) transforms.addAll(t);
		if (ds.get("coordinateTransformations") instanceof List<?> t) transforms.addAll(t);
		for (final Object t : transforms) {
			if (t instanceof Map<?, ?> tm && "scale".equals(tm.get("type")) && tm.get("scale") instanceof List<?> s) {
				if (s.size() != rank) {
					throw new IOException(attrs + ": a scale of " + s.size() + " values for " + rank + " axes.");
				}
				for (int i = 0; i < rank; i++) scale[i] *= ((Number) s.get(i)).doubleValue();
			}
			if (t instanceof Map<?, ?> tm && "translation".equals(tm.get("type"))) {
				log.accept(root + " declares a translation " + tm.get("translation") + ": restorations write " +
					"the pixel sizes, not the translation (the output's origin is 0).");
			}
		}
		return new Image(a, axes, scale, path);
	}

	/** Axes by rank where none are declared: y x; z y x; c z y x; t c z y x. */
	static List<Axis> defaultAxes(final int rank) {
		final String[] names = { "t", "c", "z", "y", "x" };
		final List<Axis> axes = new ArrayList<>();
		for (int i = 5 - Math.min(rank, 5); i < 5; i++) axes.add(new Axis(names[i], type(names[i]), null));
		while (axes.size() < rank) axes.add(0, new Axis("dim" + (rank - axes.size() - 1), null, null));
		return axes;
	}

	private static String type(final String name) {
		return switch (name) {
			case "t" -> "time";
			case "c" -> "channel";
			case "z", "y", "x" -> "space";
			default -> null;
		};
	}

	private static List<Axis> axes(final List<?> l, final Path attrs) throws IOException {
		final List<Axis> axes = new ArrayList<>();
		for (final Object o : l) {
			if (o instanceof String s) axes.add(new Axis(s, type(s), null)); // 0.3: names only
			else if (o instanceof Map<?, ?> a && a.get("name") != null) {
				axes.add(new Axis(String.valueOf(a.get("name")), a.get("type") == null ? type(String.valueOf(a
					.get("name"))) : String.valueOf(a.get("type")), a.get("unit") == null ? null : String.valueOf(a
						.get("unit"))));
			}
			else throw new IOException(attrs + ": an axis " + o + " without a name.");
		}
		return axes;
	}

	static String names(final List<Axis> axes) {
		final StringBuilder b = new StringBuilder();
		for (final Axis a : axes) b.append(a.name());
		return b.toString();
	}

	/**
	 * Creates an OME-Zarr 0.4 image of one resolution level (no downsampled pyramid), float32,
	 * blosc-zstd: the group's {@code .zgroup} and {@code .zattrs} and the array {@code 0}, metadata under
	 * temporary names then moved. The axes must follow 0.4's rules: 2 to 5, time first, then channel,
	 * then 2 or 3 space axes.
	 *
	 * @param extra further entries for {@code .zattrs} (the run's settings, for resuming)
	 */
	public static Image create(final Path root, final List<Axis> axes, final double[] scale,
		final long[] shape, final int[] chunks, final Map<String, Object> extra,
		final Consumer<String> log) throws IOException
	{
		checkAxes(axes);
		if (scale.length != axes.size() || shape.length != axes.size()) {
			throw new IllegalArgumentException(axes.size() + " axes need as many scales and sides.");
		}
		Files.createDirectories(root);
		final ZarrArray a = ZarrArray.create(root.resolve("0"), shape, chunks, ZarrCodec.bloscZstd(), "/",
			log);
		final List<Map<String, Object>> axesJson = new ArrayList<>();
		for (final Axis ax : axes) {
			final Map<String, Object> j = new LinkedHashMap<>();
			j.put("name", ax.name());
			if (ax.type() != null) j.put("type", ax.type());
			if (ax.unit() != null) j.put("unit", ax.unit());
			axesJson.add(j);
		}
		final Map<String, Object> transform = new LinkedHashMap<>();
		transform.put("type", "scale");
		transform.put("scale", scale);
		final Map<String, Object> dataset = new LinkedHashMap<>();
		dataset.put("path", "0");
		dataset.put("coordinateTransformations", List.of(transform));
		final Map<String, Object> multiscale = new LinkedHashMap<>();
		multiscale.put("version", "0.4");
		multiscale.put("name", root.getFileName().toString());
		multiscale.put("axes", axesJson);
		multiscale.put("datasets", List.of(dataset));
		final Map<String, Object> attrs = new LinkedHashMap<>();
		attrs.put("multiscales", List.of(multiscale));
		if (extra != null) attrs.putAll(extra);
		ZarrArray.writeAtomically(root.resolve(".zgroup"), "{\n  \"zarr_format\": 2\n}\n".getBytes(
			StandardCharsets.UTF_8));
		ZarrArray.writeAtomically(root.resolve(".zattrs"), GSON.toJson(attrs).getBytes(
			StandardCharsets.UTF_8));
		return new Image(a, List.copyOf(axes), scale.clone(), "0");
	}

	/** The {@code .zattrs} of an image's group, as read (null when there is none). */
	public static Map<?, ?> attributes(final Path root) throws IOException {
		final Path attrs = root.resolve(".zattrs");
		if (!Files.isRegularFile(attrs)) return null;
		return GSON.fromJson(Files.readString(attrs, StandardCharsets.UTF_8), Map.class);
	}

	/** OME-Zarr 0.4's axis rules. */
	static void checkAxes(final List<Axis> axes) {
		if (axes.size() < 2 || axes.size() > 5) {
			throw new IllegalArgumentException("OME-Zarr 0.4 takes 2 to 5 axes, got " + names(axes) + ".");
		}
		int rank = 0, space = 0;
		boolean seen = false;
		for (final Axis a : axes) {
			final int r = switch (String.valueOf(a.type()).toLowerCase(Locale.ROOT)) {
				case "time" -> 0;
				case "channel" -> 1;
				case "space" -> 2;
				default -> throw new IllegalArgumentException("Axis " + a.name() + " has type " + a.type() +
					"; the written image takes time, channel and space axes.");
			};
			// At most one time and one channel axis, and the order time, channel, space.
			if (r < rank || r < 2 && r == rank && seen) {
				throw new IllegalArgumentException("Axes " + names(axes) + " are not in the order time, " +
					"channel, space (one of each of the first two at most).");
			}
			seen = true;
			rank = r;
			if (r == 2) space++;
		}
		if (space < 2 || space > 3) {
			throw new IllegalArgumentException("OME-Zarr 0.4 takes 2 or 3 space axes, got " + names(axes) +
				".");
		}
	}
}
