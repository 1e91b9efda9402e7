package sc.fiji.diffusion.engine;

/**
 * IEEE 754 binary16 ("half") conversions for stored weights, and bfloat16 for modules that compute
 * in it (see {@link Precision}). Java 17 has no
 * {@code Float.floatToFloat16} (it came in Java 20), and a model stored in half precision takes half
 * the bytes of one in float: what lets the larger models travel and ship.
 */
final class Half {

	/** The largest finite half value. */
	static final float MAX = 65504f;

	private Half() {}

	/** The nearest half value (ties to even), as its 16 bits; beyond {@link #MAX} infinity. */
	static short fromFloat(final float f) {
		final int bits = Float.floatToRawIntBits(f);
		final int sign = (bits >>> 16) & 0x8000;
		final int exp = (bits >>> 23) & 0xff;
		int mant = bits & 0x7fffff;
		if (exp == 0xff) return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 : 0));
		final int e = exp - 127 + 15;
		if (e >= 0x1f) return (short) (sign | 0x7c00);
		if (e <= 0) {
			// Subnormal half: the float's significand, implicit bit included, shifted into 10 bits.
			if (e < -11) return (short) sign;
			mant |= 0x800000;
			final int shift = 14 - e;
			return (short) (sign | roundShift(mant, shift));
		}
		// A carry out of the significand correctly steps the exponent (up to infinity).
		return (short) (sign | (e << 10) + roundShift(mant, 13));
	}

	/**
	 * The nearest bfloat16 value (ties to even): a float's upper 16 bits, rounded; NaN stays NaN,
	 * beyond bfloat16's largest finite value (float's range, 8 significant bits) infinity.
	 */
	static short bfloat16(final float f) {
		final int bits = Float.floatToRawIntBits(f);
		if (Float.isNaN(f)) return (short) ((bits >>> 16) | 0x40);
		return (short) (roundShift(bits & 0x7fffffff, 16) | (bits >>> 16) & 0x8000);
	}

	/** The float a bfloat16 value (its 16 bits) stands for. */
	static float bfloat16ToFloat(final short b) {
		return Float.intBitsToFloat((b & 0xffff) << 16);
	}

	/** {@code value >> shift}, rounded to nearest, ties to even. */
	private static int roundShift(final int value, final int shift) {
		final int kept = value >> shift, rest = value & ((1 << shift) - 1), halfway = 1 << (shift - 1);
		return rest > halfway || rest == halfway && (kept & 1) == 1 ? kept + 1 : kept;
	}

	/** The float of a half value's 16 bits (exact: every half is a float). */
	static float toFloat(final short h) {
		final int sign = (h & 0x8000) << 16, e = (h >>> 10) & 0x1f, m = h & 0x3ff;
		if (e == 0) {
			final float v = m * 0x1p-24f;
			return sign == 0 ? v : -v;
		}
		if (e == 0x1f) return Float.intBitsToFloat(sign | 0x7f800000 | m << 13);
		return Float.intBitsToFloat(sign | (e - 15 + 127) << 23 | m << 13);
	}
}
