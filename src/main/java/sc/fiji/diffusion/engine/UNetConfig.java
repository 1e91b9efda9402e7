package sc.fiji.diffusion.engine;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Width and depth of a {@link UNet}.
 *
 * @param widths channels per resolution level, finest first; each level halves the image size
 * @param resBlocks residual blocks per level on the way down (and on the way up)
 * @param groups GroupNorm groups; every width must be divisible by it
 * @param embedDim width of the noise-level embedding
 */
public record UNetConfig(int[] widths, int resBlocks, int groups, int embedDim) {

	public UNetConfig {
		if (widths == null || widths.length < 1) {
			throw new IllegalArgumentException("A U-Net needs at least one level of widths.");
		}
		for (final int w : widths) {
			if (w < 1 || w % groups != 0) {
				throw new IllegalArgumentException("Each U-Net width must be a positive multiple of the " +
					"GroupNorm groups (" + groups + "), got " + Arrays.toString(widths) + ".");
			}
		}
		if (resBlocks < 1) throw new IllegalArgumentException("resBlocks must be at least 1.");
		if (embedDim < 2 || embedDim % 2 != 0) {
			throw new IllegalArgumentException("embedDim must be even and at least 2.");
		}
		widths = widths.clone();
	}

	/** Small default that trains on two CPU cores: 32-64-128 channels. */
	public static UNetConfig small() {
		return new UNetConfig(new int[] { 32, 64, 128 }, 1, 8, 128);
	}

	/** Image sides must be multiples of this (the coarsest level's downsampling factor). */
	public int sizeMultiple() {
		return 1 << (widths.length - 1);
	}

	@Override
	public int[] widths() {
		return widths.clone();
	}

	public Map<String, Object> describe() {
		final Map<String, Object> m = new LinkedHashMap<>();
		m.put("widths", Arrays.stream(widths).boxed().toList());
		m.put("res_blocks", resBlocks);
		m.put("groups", groups);
		m.put("embed_dim", embedDim);
		return m;
	}

	public static UNetConfig fromCard(final Map<?, ?> m) {
		for (final String key : new String[] { "widths", "res_blocks", "groups", "embed_dim" }) {
			if (m == null || m.get(key) == null) {
				throw new IllegalArgumentException("the network description lacks '" + key + "'.");
			}
		}
		final List<?> w = (List<?>) m.get("widths");
		final int[] widths = w.stream().mapToInt(v -> ((Number) v).intValue()).toArray();
		return new UNetConfig(widths, ((Number) m.get("res_blocks")).intValue(), ((Number) m.get(
			"groups")).intValue(), ((Number) m.get("embed_dim")).intValue());
	}

	@Override
	public boolean equals(final Object o) {
		return o instanceof UNetConfig c && Arrays.equals(widths, c.widths) &&
			resBlocks == c.resBlocks && groups == c.groups && embedDim == c.embedDim;
	}

	@Override
	public int hashCode() {
		return Arrays.hashCode(widths) * 31 + resBlocks * 7 + groups * 3 + embedDim;
	}

	@Override
	public String toString() {
		return "UNet" + Arrays.toString(widths) + " x" + resBlocks + " groups " + groups + " embed " +
			embedDim;
	}
}
