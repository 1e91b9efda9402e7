package sc.fiji.diffusion.engine.data;

import java.util.Objects;
import java.util.SplittableRandom;

import sc.fiji.diffusion.engine.data.SyntheticScenes.Canvas;
import sc.fiji.diffusion.engine.data.SyntheticScenes.ValueNoise;

import static sc.fiji.diffusion.engine.data.SyntheticScenes.blurColumns;
import static sc.fiji.diffusion.engine.data.SyntheticScenes.blurInPlace;
import static sc.fiji.diffusion.engine.data.SyntheticScenes.blurRows;
import static sc.fiji.diffusion.engine.data.SyntheticScenes.checkSize;
import static sc.fiji.diffusion.engine.data.SyntheticScenes.kernelRadius;
import static sc.fiji.diffusion.engine.data.SyntheticScenes.mix64;
import static sc.fiji.diffusion.engine.data.SyntheticScenes.poisson;
import static sc.fiji.diffusion.engine.data.SyntheticScenes.saturate;
import static sc.fiji.diffusion.engine.data.SyntheticScenes.softStep;
import static sc.fiji.diffusion.engine.data.SyntheticScenes.textureField;
import static sc.fiji.diffusion.engine.data.SyntheticScenes.uniform;
import static sc.fiji.diffusion.engine.data.SyntheticScenes.walk;

/**
 * The wide world: scenes of eight kinds of structure under imaging conditions given by
 * {@link SceneSettings} (PSF width and shape, background level, variation and gradient,
 * out-of-focus haze, brightness and saturation, dynamic range, per-object intensity spread, object
 * density and size, texture). Values are in {@code [0, 1]}.
 * <p>
 * The five kinds of {@link SyntheticScenes} are drawn by its own renderers, their object density
 * and size scaled and their object amplitudes spread by the settings. Like there, output is bit-identical for the same arguments on any JVM, and
 * objects are also placed around the view so that a small scene looks like a crop of a large one;
 * only the haze, blurred within the scene's blur margin, is mirrored at the border.
 */
public final class WideScenes {

    /** The kind of structure a wide-world scene shows. */
    public enum Kind {
        FILAMENTS, NUCLEI, PUNCTA, MEMBRANES, CYTOPLASM,
        /** Short thick curved tubes, some branched, like mitochondria. */
        MITOCHONDRIA,
        /** Hollow rings, some with a faint lumen, like vesicles or endosomes seen in section. */
        VESICLES,
        /** Dense fine speckles in patchy regions, like granular or speckled stainings. */
        SPECKLES
    }

    /** Where the Airy pattern's first bright ring lies, in widths of the Gaussian that fits its core. */
    static final double AIRY_RING_RADIUS = 3.9;
    /** Light in the Airy pattern's rings (7 % in the first, 3 % beyond), put in one ring. */
    static final double AIRY_RING_WEIGHT = 0.1;

    private WideScenes() {}

    /** Renders one scene; the same arguments always give a bit-identical result. */
    public static float[] scene(Kind kind, SceneSettings settings, int height, int width, long seed) {
        Objects.requireNonNull(kind, "kind must not be null");
        Objects.requireNonNull(settings, "settings must not be null");
        checkSize(height, width);
        SplittableRandom rng = new SplittableRandom(mix64(seed ^ (0x5D1C_E7A3_B2F4_9061L + kind.ordinal())));
        double sigmaX = settings.psfSigma() * Math.sqrt(settings.anisotropy());
        double sigmaY = settings.psfSigma() / Math.sqrt(settings.anisotropy());
        boolean airy = settings.psf() == SceneSettings.Psf.AIRY;
        int ring = airy ? (int) Math.ceil(AIRY_RING_RADIUS * settings.psfSigma()) + 1 : 0;
        int pad = kernelRadius(Math.max(sigmaX, sigmaY)) + ring;

        ValueNoise background = new ValueNoise(rng.nextLong(), uniform(rng, 150, 500), width);
        double angle = uniform(rng, 0, 2 * Math.PI);
        double gx = settings.gradient() * StrictMath.cos(angle);
        double gy = settings.gradient() * StrictMath.sin(angle);
        // The gradient's lowest corner sits at the background level.
        double lowest = Math.min(0, gx * (width - 1)) + Math.min(0, gy * (height - 1));

        Canvas c = new Canvas(height, width, pad, settings.psfSigma(), settings.density(), settings.size(),
                settings.spread());
        switch (kind) {
            case FILAMENTS -> SyntheticScenes.renderFilaments(rng, c);
            case NUCLEI -> SyntheticScenes.renderNuclei(rng, c);
            case PUNCTA -> SyntheticScenes.renderPuncta(rng, c);
            case MEMBRANES -> SyntheticScenes.renderMembranes(rng, c);
            case CYTOPLASM -> SyntheticScenes.renderCytoplasm(rng, c);
            case MITOCHONDRIA -> renderMitochondria(rng, c);
            case VESICLES -> renderVesicles(rng, c);
            case SPECKLES -> renderSpeckles(rng, c);
        }
        if (settings.texture() > 0) {
            float[] t = textureField(rng.nextLong(), c.height, c.width, uniform(rng, 0.7, 2.5));
            for (int i = 0; i < t.length; i++) {
                c.pixels[i] *= (float) Math.max(0.0, 1 + settings.texture() * t[i]);
            }
        }
        float[] haze = null;
        if (settings.haze() > 0) {
            haze = c.pixels.clone();
            blurInPlace(haze, c.height, c.width, settings.hazeSigma());
        }
        if (airy) {
            ring(c.pixels, c.height, c.width, AIRY_RING_RADIUS * settings.psfSigma(), AIRY_RING_WEIGHT);
        }
        blurRows(c.pixels, c.height, c.width, sigmaX);
        blurColumns(c.pixels, c.height, c.width, sigmaY);

        double gamma = settings.gamma();
        float[] out = new float[height * width];
        float[] row = new float[width];
        for (int y = 0; y < height; y++) {
            background.row(y, row);
            int src = (y + pad) * c.width + pad;
            for (int x = 0; x < width; x++) {
                double signal = c.pixels[src + x] + (haze == null ? 0 : settings.haze() * haze[src + x]);
                double shaped = !(signal > 0) ? 0 : gamma == 1 ? signal : StrictMath.pow(signal, gamma);
                double level = settings.background() * (1 + settings.variation() * row[x])
                        + gx * x + gy * y - lowest;
                out[y * width + x] = (float) saturate(level + settings.peak() * shaped);
            }
        }
        return out;
    }

    /**
     * Moves the given fraction of each pixel's light onto a one-pixel-wide ring of the given radius
     * around it; the Gaussian core blurred afterwards widens the ring as it does the core. Values
     * beyond the image are taken as 0: callers keep the radius within their blur margin.
     */
    static void ring(float[] image, int height, int width, double radius, double weight) {
        int r = (int) Math.ceil(radius + 0.5);
        int taps = 0;
        int[] dx = new int[(2 * r + 1) * (2 * r + 1)];
        int[] dy = new int[dx.length];
        for (int j = -r; j <= r; j++) {
            for (int i = -r; i <= r; i++) {
                if (Math.abs(Math.sqrt(i * i + j * j) - radius) < 0.5) {
                    dx[taps] = i;
                    dy[taps++] = j;
                }
            }
        }
        float keep = (float) (1 - weight);
        float share = (float) (weight / taps);
        float[] out = new float[image.length];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                float acc = 0;
                for (int t = 0; t < taps; t++) {
                    int sx = x + dx[t];
                    int sy = y + dy[t];
                    if (sx >= 0 && sy >= 0 && sx < width && sy < height) {
                        acc += image[sy * width + sx];
                    }
                }
                out[y * width + x] = keep * image[y * width + x] + share * acc;
            }
        }
        System.arraycopy(out, 0, image, 0, out.length);
    }

    // ---------------------------------------------------------------- new kinds

    /**
     * Mitochondria are short persistent walks drawn on a layer of their own, widened there to the
     * tube's width and added to the scene; the deposit is scaled so that after tube and PSF a tube's
     * axis peaks at its amplitude.
     */
    private static void renderMitochondria(SplittableRandom rng, Canvas c) {
        double density = uniform(rng, 0.0004, 0.002) * c.density; // tubes per pixel
        double meanLength = uniform(rng, 6, 30) * c.size;
        double tube = uniform(rng, 0.6, 1.6) * c.size;          // profile sigma, pixels
        double wiggle = uniform(rng, 0.05, 0.2);
        double bendBias = uniform(rng, 0.0, 0.05);
        double branching = uniform(rng, 0.0, 0.5);
        double minAmplitude = uniform(rng, 0.4, 0.8);

        Canvas tubes = c.layer();
        double gain = Math.sqrt(2 * Math.PI * (tube * tube + c.psfSigma * c.psfSigma + 1.0 / 6.0));
        double margin = meanLength + 4 * tube;
        double areaW = c.width + 2 * margin;
        double areaH = c.height + 2 * margin;
        long count = poisson(rng, density * areaW * areaH);
        for (long i = 0; i < count; i++) {
            tube(rng, tubes, uniform(rng, -margin, c.width + margin), uniform(rng, -margin, c.height + margin),
                    meanLength, c.vary(rng, uniform(rng, minAmplitude, 1.0)) * gain, wiggle, bendBias, branching);
        }
        if (tubes.visibleDeposits == 0) {
            tube(rng, tubes, tubes.visibleX(rng), tubes.visibleY(rng), meanLength, gain, wiggle, bendBias,
                    branching);
        }
        blurInPlace(tubes.pixels, tubes.height, tubes.width, tube);
        for (int i = 0; i < c.pixels.length; i++) {
            c.pixels[i] += tubes.pixels[i];
        }
    }

    /** One tube grown both ways from its centre, with a side branch from the centre at times. */
    private static void tube(SplittableRandom rng, Canvas c, double x, double y, double meanLength,
                             double lineDensity, double wiggle, double bendBias, double branching) {
        double step = 0.5;
        double noise = wiggle * Math.sqrt(step);
        double angle = uniform(rng, 0, 2 * Math.PI);
        double turn = bendBias * (2 * rng.nextDouble() - 1);
        int steps = (int) Math.round(0.5 * meanLength * uniform(rng, 0.5, 1.5) / step);
        walk(rng, c, x, y, angle, steps, step, lineDensity, turn, noise);
        walk(rng, c, x, y, angle + Math.PI, steps, step, lineDensity, -turn, noise);
        if (rng.nextDouble() < branching) {
            double side = rng.nextDouble() < 0.5 ? -1 : 1;
            walk(rng, c, x, y, angle + side * uniform(rng, 1.0, 2.1), steps, step, lineDensity, 0, noise);
        }
    }

    /**
     * Vesicles are rings, a Gaussian wall around a radius, raised so that the blurred wall peaks
     * near its amplitude, with a faint lumen in some scenes; overlapping vesicles add up.
     */
    private static void renderVesicles(SplittableRandom rng, Canvas c) {
        double density = uniform(rng, 0.0006, 0.003) * c.density; // vesicles per pixel
        double meanRadius = uniform(rng, 2.5, 7) * c.size;
        double wall = uniform(rng, 0.4, 0.9);
        double lumen = rng.nextDouble() < 0.5 ? uniform(rng, 0.0, 0.4) : 0;
        double minAmplitude = uniform(rng, 0.3, 0.8);
        double gain = Math.sqrt(wall * wall + c.psfSigma * c.psfSigma) / wall;

        double margin = 1.5 * meanRadius + 4 * wall;
        double areaW = c.width + 2 * margin;
        double areaH = c.height + 2 * margin;
        long count = poisson(rng, density * areaW * areaH);
        boolean anyVisible = false;
        for (long i = 0; i < count; i++) {
            double x = uniform(rng, -margin, c.width + margin);
            double y = uniform(rng, -margin, c.height + margin);
            double radius = meanRadius * uniform(rng, 0.6, 1.4);
            double amplitude = c.vary(rng, uniform(rng, minAmplitude, 1.0));
            vesicle(c, x, y, radius, wall, amplitude * gain, amplitude * lumen);
            anyVisible |= c.boxInView(x, y, radius);
        }
        if (!anyVisible) {
            vesicle(c, c.visibleX(rng), c.visibleY(rng), meanRadius, wall, gain, lumen);
        }
    }

    private static void vesicle(Canvas c, double x, double y, double radius, double wall, double height,
                                double lumen) {
        double reach = radius + 4 * wall;
        int x0 = Math.max(0, (int) Math.floor(x - reach));
        int x1 = Math.min(c.width - 1, (int) Math.ceil(x + reach));
        int y0 = Math.max(0, (int) Math.floor(y - reach));
        int y1 = Math.min(c.height - 1, (int) Math.ceil(y + reach));
        double inv2w2 = 1 / (2 * wall * wall);
        for (int py = y0; py <= y1; py++) {
            for (int px = x0; px <= x1; px++) {
                double d = Math.sqrt((px - x) * (px - x) + (py - y) * (py - y)) - radius;
                double value = height * StrictMath.exp(-d * d * inv2w2) + lumen * softStep(-d / wall);
                c.pixels[py * c.width + px] += (float) value;
            }
        }
    }

    /**
     * Speckles are point deposits, diffraction-limited spots after the PSF (of their amplitude where
     * they do not overlap), dense inside patchy regions where a smooth field is above a threshold and absent elsewhere.
     */
    private static void renderSpeckles(SplittableRandom rng, Canvas c) {
        double density = uniform(rng, 0.01, 0.05) * c.density; // speckles per pixel of the regions
        ValueNoise regions = new ValueNoise(rng.nextLong(), uniform(rng, 15, 60) * c.size, 1); // point queries
        double threshold = uniform(rng, -0.4, 0.3);
        double minAmplitude = uniform(rng, 0.2, 0.6);
        // Bilinear splatting adds a variance of 1/6 pixel^2 per axis. Where spots overlap, the
        // deposit is lowered by their mean overlap, so dense regions do not pile up into plateaus.
        double spot = 2 * Math.PI * (c.psfSigma * c.psfSigma + 1.0 / 6.0);
        double mass = spot / (1 + density * spot);
        long count = poisson(rng, density * c.width * c.height);
        for (long i = 0; i < count; i++) {
            double x = uniform(rng, 0, c.width);
            double y = uniform(rng, 0, c.height);
            double inside = softStep((regions.at(x, y) - threshold) / 0.15);
            double amplitude = c.vary(rng, uniform(rng, minAmplitude, 1.0));
            if (rng.nextDouble() < inside) {
                c.splat(x, y, amplitude * mass);
            }
        }
        if (c.visibleDeposits == 0) {
            c.splat(c.visibleX(rng), c.visibleY(rng), mass);
        }
    }
}
