package sc.fiji.diffusion.engine.data;

import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Seeded generator of clean (noise-free) fluorescence-microscopy-like 2D scenes.
 * <p>
 * Scenes are single-channel, row-major {@code float[height * width]} arrays with values in
 * {@code [0, 1]}. Every scene draws its own structure density, brightness, background and
 * point-spread-function width, so a stream of scenes covers a broad range of imaging conditions.
 * <p>
 * Objects are scattered with a density per pixel, never per image, and are also placed in a margin
 * around the field of view. Together with the analytic (rather than per-image) brightness
 * normalisation this makes a small scene statistically indistinguishable from a crop of a large
 * one, which matters when models are trained on patches and applied to whole images. The one
 * exception: a view that would contain no object at all gets one at full amplitude, because a structure-free
 * training patch teaches a restoration model nothing. This only happens when the view is smaller
 * than the typical object spacing.
 * <p>
 * Output is bit-identical for the same arguments on any JVM: Java 17 arithmetic is strict and all
 * transcendental functions come from {@link StrictMath}, whose results are platform-independent.
 * <p>
 * Instances are not thread-safe; {@link #scene} is a pure function and may be called concurrently.
 */
public final class SyntheticScenes {

    /** The kind of structure a scene shows. */
    public enum Kind {
        /** Curved thin lines, like microtubules or actin. */
        FILAMENTS,
        /** Filled, textured, soft-edged blobs, like DAPI-stained nuclei. */
        NUCLEI,
        /** Many small diffraction-limited spots, like vesicles. */
        PUNCTA,
        /** Thin bright cell outlines forming a tessellation. */
        MEMBRANES,
        /** Smooth low-frequency texture confined to cell-shaped regions. */
        CYTOPLASM
    }

    /** Range of the per-scene Gaussian PSF standard deviation, in pixels. */
    public static final double MIN_PSF_SIGMA = 0.8;
    public static final double MAX_PSF_SIGMA = 2.0;

    /** Largest number of pixels a float[] can hold. */
    private static final long MAX_PIXELS = Integer.MAX_VALUE - 8L;

    /** Above this level intensities are compressed instead of hard-clipped, so overlapping
     * structures saturate smoothly rather than forming flat plateaus. */
    private static final double SATURATION_KNEE = 0.85;

    private static final Kind[] KINDS = Kind.values();

    private final SplittableRandom stream;

    /** Creates a reproducible stream of scenes: the same seed yields the same sequence. */
    public SyntheticScenes(long seed) {
        stream = new SplittableRandom(seed);
    }

    /** Returns the next scene of a uniformly random kind. */
    public float[] next(int height, int width) {
        // Validate before touching the stream so a rejected call leaves the sequence unchanged.
        checkSize(height, width);
        Kind kind = KINDS[below(stream, KINDS.length)];
        return next(kind, height, width);
    }

    /** Returns the next scene of the given kind. */
    public float[] next(Kind kind, int height, int width) {
        Objects.requireNonNull(kind, "kind must not be null");
        checkSize(height, width);
        return scene(kind, height, width, stream.nextLong());
    }

    /** Renders one scene; the same arguments always give a bit-identical result. */
    public static float[] scene(Kind kind, int height, int width, long seed) {
        return render(kind, height, width, seed, true);
    }

    /**
     * Renders a scene, optionally skipping the PSF blur. Both variants share the same structure
     * layer (including the gains that anticipate the blur), so they differ only by the optics;
     * tests rely on that.
     */
    static float[] render(Kind kind, int height, int width, long seed, boolean applyPsf) {
        Objects.requireNonNull(kind, "kind must not be null");
        checkSize(height, width);
        // Salting with the kind keeps e.g. backgrounds of different kinds with one seed unrelated.
        SplittableRandom rng = new SplittableRandom(mix64(seed + 0x632BE59BD9B4E019L * (kind.ordinal() + 1)));

        // Scene-wide parameters are drawn before anything whose count depends on the image size,
        // so scenes of different sizes with the same seed share their imaging conditions.
        double psfSigma = uniform(rng, MIN_PSF_SIGMA, MAX_PSF_SIGMA);
        double brightness = uniform(rng, 0.5, 1.0);
        double backgroundLevel = uniform(rng, 0.0, 0.15);
        double backgroundVariation = uniform(rng, 0.0, 0.6);
        ValueNoise background = new ValueNoise(rng.nextLong(), uniform(rng, 150, 500), width);

        // The canvas extends beyond the image by the kernel radius, so the mirrored boundary of
        // the blur only ever touches pixels that are cropped away afterwards.
        int pad = kernelRadius(psfSigma);
        Canvas canvas = new Canvas(height, width, pad, psfSigma);
        switch (kind) {
            case FILAMENTS -> renderFilaments(rng, canvas);
            case NUCLEI -> renderNuclei(rng, canvas);
            case PUNCTA -> renderPuncta(rng, canvas);
            case MEMBRANES -> renderMembranes(rng, canvas);
            case CYTOPLASM -> renderCytoplasm(rng, canvas);
        }
        if (applyPsf) {
            blurInPlace(canvas.pixels, canvas.height, canvas.width, psfSigma);
        }

        float[] out = new float[height * width];
        float[] backgroundRow = new float[width];
        for (int y = 0; y < height; y++) {
            background.row(y, backgroundRow);
            int src = (y + pad) * canvas.width + pad;
            int dst = y * width;
            for (int x = 0; x < width; x++) {
                double level = backgroundLevel * (1.0 + backgroundVariation * backgroundRow[x]);
                out[dst + x] = (float) saturate(level + brightness * canvas.pixels[src + x]);
            }
        }
        return out;
    }

    static void checkSize(int height, int width) {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("Scene size must be at least 1x1 pixels, got height="
                    + height + ", width=" + width + "; pass a positive height and width");
        }
        if ((long) height * width > MAX_PIXELS) {
            throw new IllegalArgumentException("Scene of " + height + "x" + width
                    + " pixels does not fit in one float[]; request a smaller height or width");
        }
    }

    // ---------------------------------------------------------------- kinds

    /**
     * Filaments are persistent random walks deposited as sub-pixel line densities. The deposit is
     * scaled by the width the blur will give the line, so after the PSF a filament's ridge peaks
     * at its amplitude whatever the PSF size.
     */
    static void renderFilaments(SplittableRandom rng, Canvas c) {
        double lengthDensity = uniform(rng, 0.012, 0.05) * c.density; // pixels of filament per pixel of area
        double meanLength = uniform(rng, 30, 180) * c.size;
        double wiggle = uniform(rng, 0.02, 0.12);          // radians per sqrt(pixel)
        double bendBias = uniform(rng, 0.0, 0.012);        // radians per pixel
        double minAmplitude = uniform(rng, 0.25, 0.7);
        // Some cells show aligned bundles (stress fibres), others an isotropic meshwork.
        boolean aligned = rng.nextDouble() < 0.35;
        double mainAngle = uniform(rng, 0.0, Math.PI);
        double angleSpread = aligned ? uniform(rng, 0.1, 0.5) : Math.PI;

        // Bilinear splatting adds a variance of 1/6 pixel^2 across the line.
        double gain = Math.sqrt(2 * Math.PI * (c.psfSigma * c.psfSigma + 1.0 / 6.0));
        double margin = 0.75 * meanLength; // half of the longest filament
        double areaW = c.width + 2 * margin;
        double areaH = c.height + 2 * margin;
        long count = poisson(rng, lengthDensity * areaW * areaH / meanLength);
        for (long i = 0; i < count; i++) {
            double length = meanLength * uniform(rng, 0.5, 1.5);
            double cx = uniform(rng, -margin, c.width + margin);
            double cy = uniform(rng, -margin, c.height + margin);
            double angle = mainAngle + angleSpread * (rng.nextDouble() - 0.5);
            double amplitude = c.vary(rng, uniform(rng, minAmplitude, 1.0));
            traceFilament(rng, c, cx, cy, angle, length, amplitude * gain, wiggle, bendBias);
        }
        if (c.visibleDeposits == 0) {
            double angle = mainAngle + angleSpread * (rng.nextDouble() - 0.5);
            traceFilament(rng, c, c.visibleX(rng), c.visibleY(rng), angle, meanLength, gain, wiggle, bendBias);
        }
    }

    static void traceFilament(SplittableRandom rng, Canvas c, double cx, double cy, double angle,
                                      double length, double lineDensity, double wiggle, double bendBias) {
        double step = 0.5;
        double stepNoise = wiggle * Math.sqrt(step);
        double turn = bendBias * (2 * rng.nextDouble() - 1);
        int steps = (int) Math.round(0.5 * length / step);
        // Grow both halves from the centre so the centre is uniformly distributed.
        for (int half = 0; half < 2; half++) {
            double theta = half == 0 ? angle : angle + Math.PI;
            double halfTurn = half == 0 ? turn : -turn; // keeps one consistent arc
            walk(rng, c, cx, cy, theta, steps, step, lineDensity, halfTurn, stepNoise);
        }
    }

    /** One persistent random walk of line density from (x, y), deposited every step pixels. */
    static void walk(SplittableRandom rng, Canvas c, double x, double y, double theta, int steps,
                     double step, double lineDensity, double turn, double stepNoise) {
        for (int s = 0; s < steps; s++) {
            theta += turn * step + stepNoise * gaussian(rng);
            x += step * StrictMath.cos(theta);
            y += step * StrictMath.sin(theta);
            c.splat(x, y, lineDensity * step);
        }
    }

    /**
     * Nuclei are irregular ellipses with a soft rim, a slight dome, chromatin-like texture and
     * darker nucleoli. Centres are dart-thrown with a minimum spacing so nuclei touch but rarely
     * stack, and overlaps take the maximum so touching nuclei do not double in brightness.
     * <p>
     * Proposals form a Poisson process and every non-conflicting one is kept. Stopping at a target
     * count instead would bias density: the accepted count saturates as the field fills, so the
     * larger relative spread of targets in small fields would lower their mean coverage.
     */
    static void renderNuclei(SplittableRandom rng, Canvas c) {
        double meanRadius = uniform(rng, 6, 20) * c.size;
        double coverage = uniform(rng, 0.12, 0.5) * c.density;
        double minAspect = uniform(rng, 0.55, 0.9);
        double edgeWidth = uniform(rng, 0.5, 2.0);
        double textureStrength = uniform(rng, 0.1, 0.35);
        double textureSigma = uniform(rng, 0.7, 1.5);
        double dome = uniform(rng, 0.0, 0.3);
        double irregularity = uniform(rng, 0.0, 0.08);
        double minAmplitude = uniform(rng, 0.35, 0.8);
        double packing = uniform(rng, 0.75, 1.0); // < 1 lets neighbours touch or slightly overlap
        double nucleolusDepth = uniform(rng, 0.0, 0.5);
        long textureSeed = rng.nextLong();

        double maxRadius = 1.25 * meanRadius * (1 + 3 * irregularity);
        double margin = 2.5 * maxRadius;
        double meanArea = Math.PI * meanRadius * meanRadius * (1 + minAspect) / 2;
        double areaW = c.width + 2 * margin;
        double areaH = c.height + 2 * margin;
        // Proposing more than the coverage asks for compensates the rejected proposals.
        long proposals = poisson(rng, 1.5 * coverage * areaW * areaH / meanArea);

        // Dart throwing on a bucket grid whose cells are at least one maximal diameter wide, so
        // only the 3x3 neighbourhood can hold conflicting nuclei.
        double bucket = 2 * maxRadius;
        int gridW = (int) Math.ceil(areaW / bucket) + 1;
        int gridH = (int) Math.ceil(areaH / bucket) + 1;
        int[] head = new int[gridW * gridH];
        Arrays.fill(head, -1);
        int capacity = (int) Math.min(proposals, Integer.MAX_VALUE - 8L);
        double[] px = new double[capacity];
        double[] py = new double[capacity];
        double[] pr = new double[capacity];
        int[] nextInBucket = new int[capacity];
        int placed = 0;
        boolean anyVisible = false;
        float[] texture = null;
        for (int proposal = 0; proposal < capacity; proposal++) {
            double x = uniform(rng, -margin, c.width + margin);
            double y = uniform(rng, -margin, c.height + margin);
            double a = meanRadius * uniform(rng, 0.75, 1.25);
            double b = a * uniform(rng, minAspect, 1.0);
            double radius = 0.5 * (a + b);
            int gx = (int) ((x + margin) / bucket);
            int gy = (int) ((y + margin) / bucket);
            if (conflicts(x, y, radius, packing, gx, gy, gridW, gridH, head, nextInBucket, px, py, pr)) {
                continue;
            }
            px[placed] = x;
            py[placed] = y;
            pr[placed] = radius;
            nextInBucket[placed] = head[gy * gridW + gx];
            head[gy * gridW + gx] = placed;
            placed++;

            Nucleus n = new Nucleus(rng, x, y, a, b, irregularity, c.vary(rng, uniform(rng, minAmplitude, 1.0)),
                    edgeWidth, dome, nucleolusDepth);
            if (texture == null && n.touches(c)) {
                texture = textureField(textureSeed, c.height, c.width, textureSigma);
            }
            n.stamp(c, texture, textureStrength);
            // Counts nuclei whose body, not just the faint edge of their rim, reaches the view.
            anyVisible |= c.boxInView(x, y, radius);
        }
        if (!anyVisible) {
            double a = meanRadius * uniform(rng, 0.75, 1.25);
            double b = a * uniform(rng, minAspect, 1.0);
            Nucleus n = new Nucleus(rng, c.visibleX(rng), c.visibleY(rng), a, b, irregularity, 1.0,
                    edgeWidth, dome, nucleolusDepth);
            if (texture == null) {
                texture = textureField(textureSeed, c.height, c.width, textureSigma);
            }
            n.stamp(c, texture, textureStrength);
        }
    }

    private static boolean conflicts(double x, double y, double radius, double packing, int gx, int gy,
                                     int gridW, int gridH, int[] head, int[] next,
                                     double[] px, double[] py, double[] pr) {
        for (int by = Math.max(0, gy - 1); by <= Math.min(gridH - 1, gy + 1); by++) {
            for (int bx = Math.max(0, gx - 1); bx <= Math.min(gridW - 1, gx + 1); bx++) {
                for (int j = head[by * gridW + bx]; j >= 0; j = next[j]) {
                    double dx = px[j] - x;
                    double dy = py[j] - y;
                    double minDist = packing * (pr[j] + radius);
                    if (dx * dx + dy * dy < minDist * minDist) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** White noise blurred to a few pixels' correlation and rescaled to unit standard deviation. */
    static float[] textureField(long seed, int height, int width, double sigma) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] noise = new float[height * width];
        double unitVariance = Math.sqrt(12.0); // uniform on [-0.5, 0.5) has variance 1/12
        for (int i = 0; i < noise.length; i++) {
            noise[i] = (float) ((rng.nextDouble() - 0.5) * unitVariance);
        }
        blurInPlace(noise, height, width, sigma);
        // A separable kernel k turns unit white noise into noise of standard deviation sum(k^2).
        double sumSq = 0;
        for (float k : gaussianKernel(sigma)) {
            sumSq += k * k;
        }
        float scale = (float) (1.0 / sumSq);
        for (int i = 0; i < noise.length; i++) {
            noise[i] *= scale;
        }
        return noise;
    }

    private static final class Nucleus {
        private final double x, y, a, b, cos, sin, amplitude, edgeWidth, dome;
        private final double[] harmonics = new double[6]; // cos/sin weights for orders 2..4
        private final double extent;
        private final int nucleoli;
        private final double[] nucleolus = new double[9]; // x, y, radius for up to three
        private final double nucleolusDepth;

        Nucleus(SplittableRandom rng, double x, double y, double a, double b, double irregularity,
                double amplitude, double edgeWidth, double dome, double nucleolusDepth) {
            this.x = x;
            this.y = y;
            this.a = a;
            this.b = b;
            double angle = uniform(rng, 0, Math.PI);
            this.cos = StrictMath.cos(angle);
            this.sin = StrictMath.sin(angle);
            this.amplitude = amplitude;
            this.edgeWidth = edgeWidth;
            this.dome = dome;
            for (int i = 0; i < harmonics.length; i++) {
                harmonics[i] = irregularity * (2 * rng.nextDouble() - 1);
            }
            this.extent = a * (1 + 3 * irregularity) + 2 * edgeWidth + 1;
            this.nucleoli = below(rng, 4);
            for (int i = 0; i < nucleoli; i++) {
                double r = 0.5 * b * Math.sqrt(rng.nextDouble());
                double t = uniform(rng, 0, 2 * Math.PI);
                nucleolus[3 * i] = x + r * StrictMath.cos(t);
                nucleolus[3 * i + 1] = y + r * StrictMath.sin(t);
                nucleolus[3 * i + 2] = b * uniform(rng, 0.12, 0.28);
            }
            this.nucleolusDepth = nucleolusDepth;
        }

        boolean touches(Canvas c) {
            return x + extent >= 0 && y + extent >= 0 && x - extent < c.width && y - extent < c.height;
        }

        void stamp(Canvas c, float[] texture, double textureStrength) {
            if (!touches(c)) {
                return;
            }
            int x0 = Math.max(0, (int) Math.floor(x - extent));
            int x1 = Math.min(c.width - 1, (int) Math.ceil(x + extent));
            int y0 = Math.max(0, (int) Math.floor(y - extent));
            int y1 = Math.min(c.height - 1, (int) Math.ceil(y + extent));
            for (int py = y0; py <= y1; py++) {
                double dy = py - y;
                for (int px = x0; px <= x1; px++) {
                    double dx = px - x;
                    double u = dx * cos + dy * sin;
                    double v = -dx * sin + dy * cos;
                    double r = Math.sqrt(u * u + v * v);
                    double ellipse = Math.sqrt((u / a) * (u / a) + (v / b) * (v / b));
                    double boundary; // distance from the centre to the rim along this ray
                    if (r < 1e-9) {
                        boundary = b;
                    } else {
                        boundary = r / ellipse * outline(u / r, v / r);
                    }
                    double rim = softStep((boundary - r) / edgeWidth);
                    if (rim <= 0) {
                        continue;
                    }
                    double relative = r / boundary;
                    double value = amplitude * rim * (1 - dome * relative * relative);
                    for (int i = 0; i < nucleoli; i++) {
                        double ex = px - nucleolus[3 * i];
                        double ey = py - nucleolus[3 * i + 1];
                        double d = Math.sqrt(ex * ex + ey * ey);
                        value *= 1 - nucleolusDepth * softStep(nucleolus[3 * i + 2] - d);
                    }
                    int idx = py * c.width + px;
                    value *= Math.max(0.0, 1 + textureStrength * texture[idx]);
                    if (value > c.pixels[idx]) {
                        c.pixels[idx] = (float) value;
                    }
                }
            }
        }

        /** Low-order Fourier perturbation of the rim, evaluated from the ray's cosine and sine. */
        private double outline(double cosT, double sinT) {
            double ck = cosT * cosT - sinT * sinT;
            double sk = 2 * cosT * sinT;
            double f = 1;
            for (int k = 0; k < 3; k++) {
                f += harmonics[2 * k] * ck + harmonics[2 * k + 1] * sk;
                double nc = ck * cosT - sk * sinT;
                sk = sk * cosT + ck * sinT;
                ck = nc;
            }
            return f;
        }
    }

    /**
     * Puncta are small Gaussians whose mass is chosen so that, after the PSF, each peaks at its
     * amplitude. Their density is modulated by a smooth field because vesicles gather in the
     * cytoplasm rather than spreading uniformly.
     */
    static void renderPuncta(SplittableRandom rng, Canvas c) {
        double density = uniform(rng, 0.0015, 0.012) * c.density; // spots per pixel
        double maxSize = uniform(rng, 0.5, 1.5) * c.size;        // intrinsic sigma, pixels
        double minAmplitude = uniform(rng, 0.15, 0.5);
        double dimBias = uniform(rng, 1.0, 3.0);       // > 1 favours dim spots
        double clustering = uniform(rng, 0.0, 0.8);
        ValueNoise cluster = new ValueNoise(rng.nextLong(), uniform(rng, 20, 80), 1); // point queries only

        double margin = 4 * maxSize + 2;
        double areaW = c.width + 2 * margin;
        double areaH = c.height + 2 * margin;
        long count = poisson(rng, density * areaW * areaH);
        double psfVariance = c.psfSigma * c.psfSigma;
        float[] stamp = new float[0];
        boolean anyVisible = false;
        for (long i = 0; i < count; i++) {
            double x = uniform(rng, -margin, c.width + margin);
            double y = uniform(rng, -margin, c.height + margin);
            double size = uniform(rng, 0.2, maxSize);
            double amplitude = c.vary(rng, minAmplitude + (1 - minAmplitude) * StrictMath.pow(rng.nextDouble(), dimBias));
            double keep = 1 - clustering * 0.5 * (1 - cluster.at(x + margin, y + margin));
            if (rng.nextDouble() >= keep) {
                continue;
            }
            // Pixel sampling adds about 1/12 pixel^2 to the variance of the blurred spot.
            double mass = amplitude * 2 * Math.PI * (size * size + psfVariance + 1.0 / 12.0);
            stamp = c.gaussian(x, y, size, mass, stamp);
            anyVisible |= c.inView(x, y);
        }
        if (!anyVisible) {
            double size = uniform(rng, 0.2, maxSize);
            double mass = 2 * Math.PI * (size * size + psfVariance + 1.0 / 12.0);
            c.gaussian(c.visibleX(rng), c.visibleY(rng), size, mass, stamp);
        }
    }

    /**
     * Membranes are the edges of a domain-warped Voronoi tessellation, drawn as narrow Gaussian
     * ridges whose height compensates the PSF widening. Each edge, i.e. each pair of neighbouring
     * cells, gets its own brightness, and cells keep a faint interior signal as membrane dyes do.
     */
    static void renderMembranes(SplittableRandom rng, Canvas c) {
        double spacing = uniform(rng, 18, 60) * c.size / Math.sqrt(c.density);
        double jitter = uniform(rng, 0.6, 1.0);
        double lineSigma = uniform(rng, 0.5, 1.0);
        double warp = uniform(rng, 0.05, 0.2) * spacing;
        double minAmplitude = uniform(rng, 0.3, 0.7);
        double modulation = uniform(rng, 0.1, 0.5);
        double interior = uniform(rng, 0.0, 0.15);
        long edgeSalt = rng.nextLong();
        Sites sites = new Sites(rng.nextLong(), spacing, jitter, c.height, c.width);
        ValueNoise warpX = new ValueNoise(rng.nextLong(), 0.8 * spacing, c.width);
        ValueNoise warpY = new ValueNoise(rng.nextLong(), 0.8 * spacing, c.width);
        ValueNoise along = new ValueNoise(rng.nextLong(), uniform(rng, 4, 12), c.width);

        double gain = Math.sqrt(lineSigma * lineSigma + c.psfSigma * c.psfSigma) / lineSigma;
        double cutoff = 4 * lineSigma;
        double inv2s2 = 1 / (2 * lineSigma * lineSigma);
        float[] wx = new float[c.width];
        float[] wy = new float[c.width];
        float[] mod = new float[c.width];
        Nearest n = new Nearest();
        for (int y = 0; y < c.height; y++) {
            warpX.row(y, wx);
            warpY.row(y, wy);
            along.row(y, mod);
            int row = y * c.width;
            for (int x = 0; x < c.width; x++) {
                sites.nearest(x + warp * wx[x], y + warp * wy[x], n);
                double value = interior * unit(mix64(edgeSalt ^ n.first));
                if (n.edge < cutoff) {
                    long pair = Math.min(n.first, n.second) * 0x9E3779B97F4A7C15L + Math.max(n.first, n.second);
                    double amplitude = minAmplitude + (1 - minAmplitude) * unit(mix64(edgeSalt + pair));
                    double fade = 1 - modulation * 0.5 * (1 + mod[x]);
                    value += gain * amplitude * fade * StrictMath.exp(-n.edge * n.edge * inv2s2);
                }
                c.pixels[row + x] = (float) value;
            }
        }
    }

    /**
     * Cytoplasm fills rounded, domain-warped Voronoi cells separated by dark gaps with a smooth
     * two-scale texture, leaves a dim hole where the nucleus would be, and leaves some cells out
     * so that background is visible between cells.
     */
    static void renderCytoplasm(SplittableRandom rng, Canvas c) {
        double spacing = uniform(rng, 30, 90) * c.size / Math.sqrt(c.density);
        double jitter = uniform(rng, 0.5, 0.9);
        double warp = uniform(rng, 0.08, 0.2) * spacing;
        // Kept low because whole views inside empty cells would show no structure at all.
        double emptyFraction = uniform(rng, 0.0, 0.25);
        double gap = uniform(rng, 0.5, 3.0);
        double softness = uniform(rng, 1.0, 3.0);
        double minAmplitude = uniform(rng, 0.45, 0.85);
        double holeChance = uniform(rng, 0.4, 0.9);
        double coarseWeight = uniform(rng, 0.15, 0.3);
        double fineWeight = uniform(rng, 0.05, 0.2);
        Sites sites = new Sites(rng.nextLong(), spacing, jitter, c.height, c.width);
        ValueNoise warpX = new ValueNoise(rng.nextLong(), 0.8 * spacing, c.width);
        ValueNoise warpY = new ValueNoise(rng.nextLong(), 0.8 * spacing, c.width);
        ValueNoise coarse = new ValueNoise(rng.nextLong(), 0.4 * spacing, c.width);
        ValueNoise fine = new ValueNoise(rng.nextLong(), uniform(rng, 4, 10), c.width);
        long cellSalt = rng.nextLong();

        // Per-cell properties are hashed once per cell up front instead of once per pixel.
        int cells = sites.count();
        float[] amplitude = new float[cells];
        float[] reach = new float[cells];
        float[] holeRadius = new float[cells];
        float[] holeDepth = new float[cells];
        for (int i = 0; i < cells; i++) {
            long h = mix64(cellSalt + i);
            boolean empty = unit(h) < emptyFraction;
            h = mix64(h);
            amplitude[i] = empty ? 0f : (float) (minAmplitude + (1 - minAmplitude) * unit(h));
            h = mix64(h);
            reach[i] = (float) (spacing * (0.45 + 0.3 * unit(h)));
            h = mix64(h);
            boolean hole = unit(h) < holeChance;
            h = mix64(h);
            holeRadius[i] = (float) (spacing * (0.15 + 0.12 * unit(h)));
            h = mix64(h);
            holeDepth[i] = hole ? (float) (0.4 + 0.5 * unit(h)) : 0f;
        }

        float[] wx = new float[c.width];
        float[] wy = new float[c.width];
        float[] tc = new float[c.width];
        float[] tf = new float[c.width];
        Nearest n = new Nearest();
        for (int y = 0; y < c.height; y++) {
            warpX.row(y, wx);
            warpY.row(y, wy);
            coarse.row(y, tc);
            fine.row(y, tf);
            int row = y * c.width;
            for (int x = 0; x < c.width; x++) {
                sites.nearest(x + warp * wx[x], y + warp * wy[x], n);
                int cell = n.first;
                if (amplitude[cell] == 0f) {
                    continue;
                }
                double centre = Math.sqrt(n.firstDistanceSq);
                double mask = softStep((n.edge - gap) / softness) * softStep((reach[cell] - centre) / softness);
                if (mask <= 0) {
                    continue;
                }
                double hole = 1 - holeDepth[cell] * softStep((holeRadius[cell] - centre) / softness);
                // Equals 1 where both noise fields sit at +0.5, so a cell's brighter parts reach
                // its amplitude while the mean stays a little below it.
                double texture = 1 + coarseWeight * (tc[x] - 0.5) + fineWeight * (tf[x] - 0.5);
                c.pixels[row + x] = (float) (amplitude[cell] * mask * hole * texture);
            }
        }
    }

    // ---------------------------------------------------------------- geometry helpers

    /**
     * The structure layer before optics. It is the requested view plus a blur margin on every
     * side; coordinates are those of the padded layer.
     */
    static final class Canvas {
        final int height, width;
        final float[] pixels;
        /** PSF the optics will apply; renderers use it to keep peak heights independent of it. */
        final double psfSigma;
        private final int pad;
        /** Splats that landed in the view; lets sparse renderers notice an empty view. */
        long visibleDeposits;
        /**
         * Factors on each kind's own object density and size, and the spread (log-normal sigma) of
         * object amplitudes; 1, 1 and 0 leave every kind exactly as {@link #scene} draws it.
         */
        final double density, size, spread;

        Canvas(int viewHeight, int viewWidth, int pad, double psfSigma) {
            this(viewHeight, viewWidth, pad, psfSigma, 1, 1, 0);
        }

        Canvas(int viewHeight, int viewWidth, int pad, double psfSigma, double density, double size,
               double spread) {
            long h = viewHeight + 2L * pad;
            long w = viewWidth + 2L * pad;
            if (h * w > MAX_PIXELS) {
                throw new IllegalArgumentException("Scene of " + viewHeight + "x" + viewWidth
                        + " pixels plus its blur margin is too large; request a smaller height or width");
            }
            this.height = (int) h;
            this.width = (int) w;
            this.pad = pad;
            this.pixels = new float[(int) (h * w)];
            this.psfSigma = psfSigma;
            this.density = density;
            this.size = size;
            this.spread = spread;
        }

        /**
         * An object's amplitude times a log-normal factor of median 1 (capped at two sigmas) when
         * amplitudes spread; without spread it is returned as is and no random number is drawn.
         */
        double vary(SplittableRandom rng, double amplitude) {
            if (!(spread > 0)) {
                return amplitude;
            }
            return amplitude * StrictMath.exp(spread * Math.max(-2, Math.min(2, SyntheticScenes.gaussian(rng))));
        }

        /** An empty layer of the same geometry and settings, for structures drawn apart first. */
        Canvas layer() {
            return new Canvas(height - 2 * pad, width - 2 * pad, pad, psfSigma, density, size, spread);
        }

        boolean inView(double x, double y) {
            return x >= pad && y >= pad && x < width - pad && y < height - pad;
        }

        /** True if the axis-aligned box around (x, y) with the given half-size overlaps the view. */
        boolean boxInView(double x, double y, double halfSize) {
            return x + halfSize >= pad && y + halfSize >= pad
                    && x - halfSize < width - pad && y - halfSize < height - pad;
        }

        double visibleX(SplittableRandom rng) {
            return uniform(rng, pad, width - pad);
        }

        double visibleY(SplittableRandom rng) {
            return uniform(rng, pad, height - pad);
        }

        /** Adds weight at a sub-pixel position, shared bilinearly between four pixels. */
        void splat(double x, double y, double weight) {
            int x0 = (int) Math.floor(x);
            int y0 = (int) Math.floor(y);
            if (x0 < -1 || y0 < -1 || x0 >= width || y0 >= height) {
                return;
            }
            if (inView(x, y)) {
                visibleDeposits++;
            }
            double fx = x - x0;
            double fy = y - y0;
            add(x0, y0, weight * (1 - fx) * (1 - fy));
            add(x0 + 1, y0, weight * fx * (1 - fy));
            add(x0, y0 + 1, weight * (1 - fx) * fy);
            add(x0 + 1, y0 + 1, weight * fx * fy);
        }

        private void add(int x, int y, double value) {
            if (x >= 0 && y >= 0 && x < width && y < height) {
                pixels[y * width + x] += (float) value;
            }
        }

        /**
         * Adds a sampled Gaussian normalised to the given total mass (so tiny sigmas do not lose
         * or gain intensity to sampling); returns the scratch buffer for reuse.
         */
        float[] gaussian(double x, double y, double sigma, double mass, float[] scratch) {
            int r = (int) Math.ceil(3 * sigma) + 1;
            int x0 = (int) Math.floor(x) - r + 1;
            int y0 = (int) Math.floor(y) - r + 1;
            int size = 2 * r;
            if (x0 + size <= 0 || y0 + size <= 0 || x0 >= width || y0 >= height) {
                return scratch;
            }
            if (scratch.length < size * size) {
                scratch = new float[size * size];
            }
            double inv2s2 = 1 / (2 * sigma * sigma);
            double sum = 0;
            for (int j = 0; j < size; j++) {
                double dy = y0 + j - y;
                for (int i = 0; i < size; i++) {
                    double dx = x0 + i - x;
                    float w = (float) StrictMath.exp(-(dx * dx + dy * dy) * inv2s2);
                    scratch[j * size + i] = w;
                    sum += w;
                }
            }
            double scale = mass / sum;
            for (int j = 0; j < size; j++) {
                for (int i = 0; i < size; i++) {
                    add(x0 + i, y0 + j, scale * scratch[j * size + i]);
                }
            }
            return scratch;
        }
    }

    /** Result of a nearest-two-sites query; reused to avoid allocation per pixel. */
    private static final class Nearest {
        int first, second;
        double firstDistanceSq;
        /** Distance from the query point to the bisector of the two nearest sites. */
        double edge;
    }

    /**
     * Voronoi sites on a jittered grid: one site per grid cell keeps cell sizes realistic (a
     * Poisson process would give many slivers) and bounds the nearest-site search to 5x5 cells.
     */
    private static final class Sites {
        private static final int BORDER = 3; // grid cells beyond the canvas, covers the warp
        private final double spacing;
        private final double offsetX, offsetY;
        private final int columns, rows;
        private final double[] sx, sy;

        Sites(long salt, double spacing, double jitter, int height, int width) {
            this.spacing = spacing;
            // A random lattice phase makes the pattern translation-invariant in distribution;
            // otherwise small scenes would always see the same part of a grid cell.
            this.offsetX = spacing * unit(mix64(salt - 1));
            this.offsetY = spacing * unit(mix64(salt - 2));
            this.columns = (int) Math.ceil(width / spacing) + 2 * BORDER;
            this.rows = (int) Math.ceil(height / spacing) + 2 * BORDER;
            this.sx = new double[columns * rows];
            this.sy = new double[columns * rows];
            for (int gy = 0; gy < rows; gy++) {
                for (int gx = 0; gx < columns; gx++) {
                    long h = mix64(salt + (long) gy * 0x9E3779B97F4A7C15L + gx);
                    double ux = unit(h);
                    double uy = unit(mix64(h));
                    int id = gy * columns + gx;
                    sx[id] = (gx - BORDER + 0.5 + jitter * (ux - 0.5)) * spacing - offsetX;
                    sy[id] = (gy - BORDER + 0.5 + jitter * (uy - 0.5)) * spacing - offsetY;
                }
            }
        }

        int count() {
            return sx.length;
        }

        void nearest(double x, double y, Nearest out) {
            double gxf = (x + offsetX) / spacing;
            double gyf = (y + offsetY) / spacing;
            int cx = (int) Math.floor(gxf);
            int cy = (int) Math.floor(gyf);
            out.first = -1;
            out.second = -1;
            out.firstDistanceSq = Double.MAX_VALUE;
            double second = Double.MAX_VALUE;
            second = scan(x, y, cx + BORDER, cy + BORDER, 1, out, second);
            // Sites outside the 3x3 block are at least one cell plus the distance to the block's
            // nearest side away; only when the runner-up is farther must the outer ring be read.
            double fx = gxf - cx;
            double fy = gyf - cy;
            double ring = spacing * (1 + Math.min(Math.min(fx, 1 - fx), Math.min(fy, 1 - fy)));
            if (second > ring * ring) {
                second = scan(x, y, cx + BORDER, cy + BORDER, 2, out, second);
            }
            double ex = sx[out.first] - sx[out.second];
            double ey = sy[out.first] - sy[out.second];
            out.edge = (second - out.firstDistanceSq) / (2 * Math.sqrt(ex * ex + ey * ey));
        }

        /** Updates the two nearest sites from a (2*reach+1)^2 block; rescanning cells is harmless. */
        private double scan(double x, double y, int cx, int cy, int reach, Nearest out, double second) {
            double best = out.firstDistanceSq;
            int bestId = out.first;
            int secondId = out.second;
            for (int gy = Math.max(0, cy - reach); gy <= Math.min(rows - 1, cy + reach); gy++) {
                for (int gx = Math.max(0, cx - reach); gx <= Math.min(columns - 1, cx + reach); gx++) {
                    int id = gy * columns + gx;
                    if (id == bestId || id == secondId) {
                        continue;
                    }
                    double dx = sx[id] - x;
                    double dy = sy[id] - y;
                    double d = dx * dx + dy * dy;
                    if (d < best) {
                        second = best;
                        secondId = bestId;
                        best = d;
                        bestId = id;
                    } else if (d < second) {
                        second = d;
                        secondId = id;
                    }
                }
            }
            out.first = bestId;
            out.second = secondId;
            out.firstDistanceSq = best;
            return second;
        }
    }

    /**
     * Smooth value noise in [-1, 1] on a square lattice of the given spacing. Lattice values are
     * hashed from their coordinates, so the field is fixed by the salt alone. Rows are evaluated
     * one at a time to keep memory proportional to the width even for huge scenes.
     */
    static final class ValueNoise {
        private final long salt;
        private final double invSpacing;
        private final double offsetX, offsetY; // random phase, for the same reason as in Sites
        private final int[] cellOf;
        private final float[] weightOf;
        private final float[] lower, upper;
        private int cachedRow = Integer.MIN_VALUE;

        ValueNoise(long salt, double spacing, int width) {
            this.salt = salt;
            this.invSpacing = 1 / spacing;
            this.offsetX = unit(mix64(salt - 1));
            this.offsetY = unit(mix64(salt - 2));
            this.cellOf = new int[width];
            this.weightOf = new float[width];
            for (int x = 0; x < width; x++) {
                double u = x * invSpacing + offsetX;
                int i = (int) u;
                cellOf[x] = i;
                weightOf[x] = (float) fade(u - i);
            }
            int cells = (int) ((width - 1) * invSpacing + offsetX) + 2;
            lower = new float[cells];
            upper = new float[cells];
        }

        void row(int y, float[] out) {
            double v = y * invSpacing + offsetY;
            int j = (int) Math.floor(v);
            float fy = (float) fade(v - j);
            if (j != cachedRow) {
                for (int i = 0; i < lower.length; i++) {
                    lower[i] = lattice(i, j);
                    upper[i] = lattice(i, j + 1);
                }
                cachedRow = j;
            }
            for (int x = 0; x < cellOf.length; x++) {
                int i = cellOf[x];
                float fx = weightOf[x];
                float top = lower[i] + (lower[i + 1] - lower[i]) * fx;
                float bottom = upper[i] + (upper[i + 1] - upper[i]) * fx;
                out[x] = top + (bottom - top) * fy;
            }
        }

        double at(double x, double y) {
            double u = x * invSpacing + offsetX;
            double v = y * invSpacing + offsetY;
            int i = (int) Math.floor(u);
            int j = (int) Math.floor(v);
            double fx = fade(u - i);
            double fy = fade(v - j);
            double top = lattice(i, j) + (lattice(i + 1, j) - lattice(i, j)) * fx;
            double bottom = lattice(i, j + 1) + (lattice(i + 1, j + 1) - lattice(i, j + 1)) * fx;
            return top + (bottom - top) * fy;
        }

        private float lattice(int i, int j) {
            long key = ((long) i << 32) ^ (j & 0xFFFFFFFFL);
            return (float) (2 * unit(mix64(salt ^ mix64(key))) - 1);
        }

        /** Quintic fade: continuous second derivative, so no lattice creases survive the blur. */
        private static double fade(double t) {
            return t * t * t * (t * (t * 6 - 15) + 10);
        }
    }

    // ---------------------------------------------------------------- optics

    static int kernelRadius(double sigma) {
        return Math.max(1, (int) Math.ceil(4 * sigma));
    }

    static float[] gaussianKernel(double sigma) {
        int r = kernelRadius(sigma);
        float[] k = new float[2 * r + 1];
        double sum = 0;
        for (int i = -r; i <= r; i++) {
            double w = StrictMath.exp(-0.5 * i * i / (sigma * sigma));
            k[i + r] = (float) w;
            sum += w;
        }
        for (int i = 0; i < k.length; i++) {
            k[i] = (float) (k[i] / sum);
        }
        return k;
    }

    /**
     * Separable Gaussian blur with mirrored (edge-repeating) boundaries, in place. The vertical
     * pass works on strips of columns so that memory stays small and access stays sequential.
     */
    static void blurInPlace(float[] image, int height, int width, double sigma) {
        if (image.length != (long) height * width) {
            throw new IllegalArgumentException("image has " + image.length + " pixels but height*width is "
                    + (long) height * width + "; pass matching dimensions");
        }
        if (!(sigma > 0)) {
            return;
        }
        blurRows(image, height, width, sigma);
        blurColumns(image, height, width, sigma);
    }

    /** The horizontal pass of {@link #blurInPlace}; a sigma that is not positive leaves the image. */
    static void blurRows(float[] image, int height, int width, double sigma) {
        if (!(sigma > 0)) {
            return;
        }
        float[] k = gaussianKernel(sigma);
        int r = k.length / 2;
        int[] mirrorX = mirrorTable(width, r);
        float[] padded = new float[width + 2 * r];
        for (int y = 0; y < height; y++) {
            int row = y * width;
            for (int i = 0; i < padded.length; i++) {
                padded[i] = image[row + mirrorX[i]];
            }
            for (int x = 0; x < width; x++) {
                float acc = 0;
                for (int j = 0; j < k.length; j++) {
                    acc += k[j] * padded[x + j];
                }
                image[row + x] = acc;
            }
        }
    }

    /** The vertical pass of {@link #blurInPlace}; a sigma that is not positive leaves the image. */
    static void blurColumns(float[] image, int height, int width, double sigma) {
        if (!(sigma > 0)) {
            return;
        }
        float[] k = gaussianKernel(sigma);
        int r = k.length / 2;
        int[] mirrorY = mirrorTable(height, r);
        int strip = Math.min(width, 64);
        float[] column = new float[(height + 2 * r) * strip];
        float[] acc = new float[strip];
        for (int x0 = 0; x0 < width; x0 += strip) {
            int sw = Math.min(strip, width - x0);
            for (int i = 0; i < height + 2 * r; i++) {
                System.arraycopy(image, mirrorY[i] * width + x0, column, i * strip, sw);
            }
            for (int y = 0; y < height; y++) {
                Arrays.fill(acc, 0, sw, 0f);
                for (int j = 0; j < k.length; j++) {
                    float kj = k[j];
                    int base = (y + j) * strip;
                    for (int c = 0; c < sw; c++) {
                        acc[c] += kj * column[base + c];
                    }
                }
                System.arraycopy(acc, 0, image, y * width + x0, sw);
            }
        }
    }

    /** Source index for each padded position; folds repeatedly so kernels wider than the image work. */
    private static int[] mirrorTable(int n, int r) {
        int[] table = new int[n + 2 * r];
        int period = 2 * n;
        for (int i = 0; i < table.length; i++) {
            int m = Math.floorMod(i - r, period);
            table[i] = m < n ? m : period - 1 - m;
        }
        return table;
    }

    // ---------------------------------------------------------------- numeric helpers

    /** Identity up to the knee, then a tanh shoulder that approaches but never exceeds 1. */
    static double saturate(double v) {
        if (!(v > 0)) {
            return 0;
        }
        if (v <= SATURATION_KNEE) {
            return v;
        }
        double room = 1 - SATURATION_KNEE;
        return Math.min(1.0, SATURATION_KNEE + room * StrictMath.tanh((v - SATURATION_KNEE) / room));
    }

    /** Cubic step from 0 at t=-1 to 1 at t=+1; cheaper than a logistic and exactly 0/1 outside. */
    static double softStep(double t) {
        if (t <= -1) {
            return 0;
        }
        if (t >= 1) {
            return 1;
        }
        double s = 0.5 * (t + 1);
        return s * s * (3 - 2 * s);
    }

    // Random variates are derived from nextDouble() alone: its SplitMix64 definition is fixed,
    // whereas the JDK's bounded-int and Gaussian algorithms are unspecified and may change.

    static double uniform(SplittableRandom rng, double lo, double hi) {
        return lo + (hi - lo) * rng.nextDouble();
    }

    static int below(SplittableRandom rng, int bound) {
        return (int) (rng.nextDouble() * bound);
    }

    /** Standard normal variate (Box-Muller, one of the pair). */
    static double gaussian(SplittableRandom rng) {
        double u = 1.0 - rng.nextDouble(); // in (0, 1], keeps the log finite
        double v = rng.nextDouble();
        return StrictMath.sqrt(-2 * StrictMath.log(u)) * StrictMath.cos(2 * Math.PI * v);
    }

    /** Poisson sample; the normal approximation above 64 is indistinguishable at these counts. */
    static long poisson(SplittableRandom rng, double mean) {
        if (mean <= 0) {
            return 0;
        }
        if (mean > 64) {
            return Math.max(0L, Math.round(mean + Math.sqrt(mean) * gaussian(rng)));
        }
        double limit = StrictMath.exp(-mean);
        double product = rng.nextDouble();
        long k = 0;
        while (product > limit) {
            product *= rng.nextDouble();
            k++;
        }
        return k;
    }

    /** 64-bit finaliser (Stafford's variant 13) to turn structured keys into uniform bits. */
    public static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    static double unit(long bits) {
        return (bits >>> 11) * 0x1.0p-53;
    }
}
