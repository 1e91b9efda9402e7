package sc.fiji.diffusion.model;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import sc.fiji.diffusion.engine.Family;
import sc.fiji.diffusion.engine.NoiseSchedule;
import sc.fiji.diffusion.engine.UNetConfig;

/**
 * A model's description, {@code model.json}. Fixed keys: name, family (ddpm|ncsn), parameterization,
 * schedule, channels, patch, normalization, training (data, steps, seconds), metrics, sha256 of the
 * weights; plus network (the U-Net's widths and depth) so the weights can be rebuilt. Optional:
 * {@code auto_tasks}, the tasks ({@link #TASKS}) model {@code auto} may pick this model for (a
 * denoising-only model for the CPU); without it, every task.
 */
public final class ModelCard {

	private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping()
		.setObjectToNumberStrategy(com.google.gson.ToNumberPolicy.LONG_OR_DOUBLE)
		.serializeSpecialFloatingPointValues().create();

	/** The restorations' names in {@code auto_tasks}. */
	public static final java.util.List<String> TASKS = java.util.List.of("denoise", "inpaint",
		"super-resolve");

	/** DDPM networks predict the noise; NCSN networks are EDM-preconditioned denoisers. */
	public static String parameterizationOf(final Family family) {
		return family == Family.DDPM ? "eps" : "edm";
	}

	private final Map<String, Object> values;

	private ModelCard(final Map<String, Object> values) {
		this.values = values;
	}

	public static ModelCard create(final String name, final Family family,
		final NoiseSchedule schedule, final UNetConfig network, final int patch)
	{
		final Map<String, Object> v = new LinkedHashMap<>();
		v.put("name", name);
		v.put("family", family.key());
		v.put("parameterization", parameterizationOf(family));
		v.put("schedule", schedule.describe());
		v.put("channels", 1);
		v.put("patch", patch);
		final Map<String, Object> norm = new LinkedHashMap<>();
		norm.put("type", "percentile");
		norm.put("low", 1.0);
		norm.put("high", 99.8);
		norm.put("range", java.util.List.of(-1.0, 1.0));
		v.put("normalization", norm);
		v.put("training", new LinkedHashMap<String, Object>());
		v.put("metrics", new LinkedHashMap<String, Object>());
		v.put("sha256", "");
		v.put("network", network.describe());
		return new ModelCard(v);
	}

	/** Reads and validates a card; the message names the file and what is wrong. */
	public static ModelCard read(final Path file) throws IOException {
		final Map<String, Object> v;
		try {
			@SuppressWarnings("unchecked")
			final Map<String, Object> parsed = GSON.fromJson(Files.readString(file, StandardCharsets.UTF_8),
				LinkedHashMap.class);
			v = parsed;
		}
		catch (final JsonParseException e) {
			throw new IOException(file + " is not valid JSON: " + e.getMessage(), e);
		}
		if (v == null) throw new IOException(file + " is empty.");
		final ModelCard card = new ModelCard(v);
		try {
			card.validate();
		}
		catch (final IllegalArgumentException | ClassCastException e) {
			throw new IOException(file + ": " + e.getMessage(), e);
		}
		return card;
	}

	private void validate() {
		for (final String key : new String[] { "name", "family", "parameterization", "schedule",
			"channels", "patch", "normalization", "training", "metrics", "sha256", "network" })
		{
			if (!values.containsKey(key)) {
				throw new IllegalArgumentException("the model card lacks the key '" + key + "'.");
			}
		}
		final Family f = family();
		if (!parameterizationOf(f).equals(values.get("parameterization"))) {
			throw new IllegalArgumentException("parameterization '" + values.get("parameterization") +
				"' does not fit family " + f.key() + " (expected " + parameterizationOf(f) + ").");
		}
		final NoiseSchedule s = schedule();
		if ((f == Family.DDPM) != (s instanceof sc.fiji.diffusion.engine.VpSchedule)) {
			throw new IllegalArgumentException("schedule '" + ((Map<?, ?>) values.get("schedule")).get(
				"type") + "' does not fit family " + f.key() + ".");
		}
		if (channels() != 1) {
			throw new IllegalArgumentException("only single-channel models are supported, the card says " +
				channels() + ".");
		}
		final UNetConfig net = network();
		if (patch() < net.sizeMultiple() || patch() % net.sizeMultiple() != 0) {
			throw new IllegalArgumentException("patch " + patch() + " is not a multiple of " + net
				.sizeMultiple() + ".");
		}
		if (!(values.get("sha256") instanceof String)) {
			throw new IllegalArgumentException("sha256 must be a string.");
		}
		final Object tasks = values.get("auto_tasks");
		if (tasks != null && (!(tasks instanceof java.util.List<?> l) || l.isEmpty() || !TASKS.containsAll(l))) {
			throw new IllegalArgumentException("auto_tasks must be a non-empty list of " + TASKS + ", the card " +
				"says " + tasks + ".");
		}
	}

	/**
	 * Whether model {@code auto} may pick this model for a task of {@link #TASKS} (null: any): the
	 * card's {@code auto_tasks}, or every task without it.
	 */
	public boolean suits(final String task) {
		final Object tasks = values.get("auto_tasks");
		return task == null || tasks == null || ((java.util.List<?>) tasks).contains(task);
	}

	public void write(final Path file) throws IOException {
		final String json = GSON.toJson(values) + "\n";
		sc.fiji.diffusion.engine.PartialFiles.write(file, tmp -> Files.writeString(tmp, json,
			StandardCharsets.UTF_8));
	}

	public String name() {
		return (String) values.get("name");
	}

	public Family family() {
		return Family.parse((String) values.get("family"));
	}

	public NoiseSchedule schedule() {
		return NoiseSchedule.fromCard((Map<?, ?>) values.get("schedule"));
	}

	public UNetConfig network() {
		return UNetConfig.fromCard((Map<?, ?>) values.get("network"));
	}

	public int channels() {
		return ((Number) values.get("channels")).intValue();
	}

	public int patch() {
		return ((Number) values.get("patch")).intValue();
	}

	public String sha256() {
		return (String) values.get("sha256");
	}

	public ModelCard withSha256(final String sha) {
		final Map<String, Object> v = new LinkedHashMap<>(values);
		v.put("sha256", sha);
		return new ModelCard(v);
	}

	@SuppressWarnings("unchecked")
	public Map<String, Object> training() {
		return (Map<String, Object>) values.get("training");
	}

	@SuppressWarnings("unchecked")
	public Map<String, Object> metrics() {
		return (Map<String, Object>) values.get("metrics");
	}

	@SuppressWarnings("unchecked")
	public Map<String, Object> normalization() {
		return (Map<String, Object>) values.get("normalization");
	}

	/** A copy with one top-level entry replaced (training record, metrics). */
	public ModelCard with(final String key, final Object value) {
		final Map<String, Object> v = new LinkedHashMap<>(values);
		v.put(key, value);
		return new ModelCard(v);
	}

	/** The card as pretty JSON, for display. */
	public String toJson() {
		return GSON.toJson(values);
	}
}
