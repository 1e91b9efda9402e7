package sc.fiji.diffusion.volume;

import com.github.luben.zstd.Zstd;
import com.scalableminds.bloscjava.Blosc;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.Inflater;

/**
 * A Zarr v2 chunk compressor (the array's {@code compressor}): none, zlib, gzip, zstd, or blosc with
 * any of its inner compressors (lz4, lz4hc, blosclz, zstd, zlib) and shuffles. Blosc comes from
 * {@code com.scalableminds:blosc-java} (natives for Linux x86-64, macOS and Windows), zstd from
 * {@code com.github.luben:zstd-jni}; zlib and gzip from the JDK.
 */
public abstract class ZarrCodec {

	/** The {@code compressor} entry of {@code .zarray}; null for none. */
	public abstract Map<String, Object> json();

	/** Compresses one chunk's bytes (items of {@code typeSize} bytes). */
	public abstract byte[] encode(byte[] raw, int typeSize) throws IOException;

	/** Decompresses one stored chunk that holds {@code rawLength} bytes. */
	public abstract byte[] decode(byte[] stored, int rawLength) throws IOException;

	public static final ZarrCodec NONE = new ZarrCodec() {

		@Override
		public Map<String, Object> json() {
			return null;
		}

		@Override
		public byte[] encode(final byte[] raw, final int typeSize) {
			return raw;
		}

		@Override
		public byte[] decode(final byte[] stored, final int rawLength) {
			return stored;
		}
	};

	/** What the project writes: blosc with zstd at level 5 and byte shuffling. */
	public static ZarrCodec bloscZstd() {
		return new BloscCodec("zstd", 5, 1, 0);
	}

	/**
	 * The codec a {@code compressor} entry names.
	 *
	 * @throws IOException naming an id or setting this reader does not know
	 */
	public static ZarrCodec of(final Map<?, ?> json) throws IOException {
		if (json == null) return NONE;
		final Object id = json.get("id");
		final int level = json.get("level") instanceof Number n ? n.intValue() : -1;
		if ("zlib".equals(id)) return new DeflateCodec(false, level < 0 ? 1 : level);
		if ("gzip".equals(id)) return new DeflateCodec(true, level < 0 ? 1 : level);
		if ("zstd".equals(id)) return new ZstdCodec(json.get("level") instanceof Number n ? n.intValue() : 3);
		if ("blosc".equals(id)) {
			final String cname = String.valueOf(json.get("cname"));
			if (!java.util.List.of("lz4", "lz4hc", "blosclz", "zstd", "zlib").contains(cname)) {
				throw new IOException("Blosc's inner compressor '" + cname + "' is not supported: lz4, lz4hc, " +
					"blosclz, zstd or zlib.");
			}
			final int shuffle = json.get("shuffle") instanceof Number n ? n.intValue() : 1;
			return new BloscCodec(cname, json.get("clevel") instanceof Number n ? n.intValue() : 5, shuffle,
				json.get("blocksize") instanceof Number n ? n.intValue() : 0);
		}
		throw new IOException("Unknown Zarr compressor '" + id + "' (" + json + "): this reader knows none " +
			"(null), zlib, gzip, zstd and blosc; recompress the array with one of them.");
	}

	private static byte[] checked(final byte[] out, final int rawLength, final String what)
		throws IOException
	{
		if (out.length != rawLength) {
			throw new IOException("A " + what + " chunk holds " + out.length + " bytes where the array's " +
				"chunk shape and data type make " + rawLength + ": the chunk is damaged or belongs to another " +
				"array.");
		}
		return out;
	}

	private static final class DeflateCodec extends ZarrCodec {

		private final boolean gzip;
		private final int level;

		DeflateCodec(final boolean gzip, final int level) {
			this.gzip = gzip;
			this.level = level;
		}

		@Override
		public Map<String, Object> json() {
			final Map<String, Object> m = new LinkedHashMap<>();
			m.put("id", gzip ? "gzip" : "zlib");
			m.put("level", level);
			return m;
		}

		@Override
		public byte[] encode(final byte[] raw, final int typeSize) throws IOException {
			if (gzip) {
				final ByteArrayOutputStream b = new ByteArrayOutputStream();
				try (GZIPOutputStream out = new GZIPOutputStream(b) {
					{
						def.setLevel(level);
					}
				}) {
					out.write(raw);
				}
				return b.toByteArray();
			}
			final Deflater d = new Deflater(level);
			try {
				d.setInput(raw);
				d.finish();
				final ByteArrayOutputStream b = new ByteArrayOutputStream(raw.length / 2 + 64);
				final byte[] buf = new byte[1 << 16];
				while (!d.finished()) b.write(buf, 0, d.deflate(buf));
				return b.toByteArray();
			}
			finally {
				d.end();
			}
		}

		@Override
		public byte[] decode(final byte[] stored, final int rawLength) throws IOException {
			if (gzip) {
				try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(stored))) {
					return checked(in.readAllBytes(), rawLength, "gzip");
				}
			}
			final Inflater inf = new Inflater();
			try {
				inf.setInput(stored);
				final byte[] out = new byte[rawLength];
				int n = 0;
				while (n < rawLength && !inf.finished()) {
					final int k = inf.inflate(out, n, rawLength - n);
					if (k == 0 && (inf.needsInput() || inf.needsDictionary())) break;
					n += k;
				}
				if (n != rawLength || !inf.finished()) {
					throw new IOException("A zlib chunk ends after " + n + " of " + rawLength + " bytes, or holds " +
						"more: the chunk is damaged or belongs to another array.");
				}
				return out;
			}
			catch (final DataFormatException e) {
				throw new IOException("A zlib chunk is not zlib data: " + e.getMessage(), e);
			}
			finally {
				inf.end();
			}
		}
	}

	private static final class ZstdCodec extends ZarrCodec {

		private final int level;

		ZstdCodec(final int level) {
			this.level = level;
		}

		@Override
		public Map<String, Object> json() {
			final Map<String, Object> m = new LinkedHashMap<>();
			m.put("id", "zstd");
			m.put("level", level);
			return m;
		}

		@Override
		public byte[] encode(final byte[] raw, final int typeSize) {
			return Zstd.compress(raw, level);
		}

		@Override
		public byte[] decode(final byte[] stored, final int rawLength) throws IOException {
			try {
				return checked(Zstd.decompress(stored, rawLength), rawLength, "zstd");
			}
			catch (final RuntimeException e) {
				throw new IOException("A zstd chunk cannot be decompressed: " + e.getMessage(), e);
			}
		}
	}

	private static final class BloscCodec extends ZarrCodec {

		private final String cname;
		private final int clevel, shuffle, blocksize;

		BloscCodec(final String cname, final int clevel, final int shuffle, final int blocksize) {
			this.cname = cname;
			this.clevel = clevel;
			this.shuffle = shuffle;
			this.blocksize = blocksize;
		}

		@Override
		public Map<String, Object> json() {
			final Map<String, Object> m = new LinkedHashMap<>();
			m.put("id", "blosc");
			m.put("cname", cname);
			m.put("clevel", clevel);
			m.put("shuffle", shuffle);
			m.put("blocksize", blocksize);
			return m;
		}

		@Override
		public byte[] encode(final byte[] raw, final int typeSize) {
			// numcodecs' AUTOSHUFFLE (-1): bit shuffle for single bytes, byte shuffle otherwise.
			final int s = shuffle == -1 ? typeSize == 1 ? 2 : 1 : shuffle;
			return Blosc.compress(raw, typeSize, Blosc.Compressor.fromString(cname.toLowerCase(Locale.ROOT)),
				clevel, Blosc.Shuffle.fromInt(s), blocksize);
		}

		@Override
		public byte[] decode(final byte[] stored, final int rawLength) throws IOException {
			try {
				return checked(Blosc.decompress(stored), rawLength, "blosc");
			}
			catch (final RuntimeException e) {
				throw new IOException("A blosc chunk cannot be decompressed: " + e.getMessage(), e);
			}
		}
	}
}
