package sc.fiji.diffusion.engine.data;

import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The imaging conditions of one scene of the wide world ({@link WideScenes}): what real microscopes
 * vary and {@link SyntheticScenes#scene} keeps within narrow bounds.
 *
 * @param psfSigma     width of the PSF core, in pixels (the geometric mean of both axes when
 *                     anisotropic)
 * @param psf          the PSF's shape
 * @param anisotropy   ratio of the PSF's widths along x and y (1 unless anisotropic)
 * @param background   background level, in units of the saturation level
 * @param variation    relative amplitude of the smooth background variation
 * @param gradient     linear background gradient, per pixel
 * @param haze         out-of-focus haze: mass of a heavily blurred copy of the structures relative
 *                     to the structures (0: none)
 * @param hazeSigma    blur of the haze, in pixels
 * @param peak         brightness of the structures above the background: low for dim images,
 *                     above 1 for bright ones that saturate
 * @param gamma        exponent on the structure signal (dynamic range; 1 in half the scenes)
 * @param spread       log-normal sigma of per-object amplitudes (0: each kind's own spread)
 * @param density      factor on each kind's object density
 * @param size         factor on each kind's object size
 * @param texture      strength of a fine multiplicative texture on the structures (0: none)
 */
public record SceneSettings(double psfSigma, Psf psf, double anisotropy, double background,
                            double variation, double gradient, double haze, double hazeSigma,
                            double peak, double gamma, double spread, double density, double size,
                            double texture) {

    /** Shapes of the point-spread function. */
    public enum Psf {
        /** Isotropic Gaussian. */
        GAUSSIAN,
        /** Gaussian of different widths along x and y (astigmatism, scanning asymmetry). */
        ANISOTROPIC,
        /** Gaussian core with a ring of a tenth of the light, where the Airy pattern's first ring is. */
        AIRY
    }

    /** A closed interval. */
    public record Range(double lo, double hi) {
        public Range {
            if (!(lo <= hi)) {
                throw new IllegalArgumentException("Range [" + lo + ", " + hi + "] is empty");
            }
        }

        public boolean contains(double v) {
            return v >= lo && v <= hi;
        }

        double uniform(SplittableRandom rng) {
            return SyntheticScenes.uniform(rng, lo, hi);
        }

        /** Log-uniform: as many small factors as large ones. */
        double logUniform(SplittableRandom rng) {
            return StrictMath.exp(SyntheticScenes.uniform(rng, StrictMath.log(lo), StrictMath.log(hi)));
        }

        @Override
        public String toString() {
            return lo + "-" + hi;
        }
    }

    /** PSF core widths, in pixels: training, and held out beyond it. */
    public static final Range TRAIN_PSF_SIGMA = new Range(0.6, 2.4), HELD_OUT_PSF_SIGMA = new Range(2.6, 3.4);
    /** Factors on object density: training, and held out beyond it. */
    public static final Range TRAIN_DENSITY = new Range(0.4, 2.0), HELD_OUT_DENSITY = new Range(2.4, 3.2);
    /** The other settings' ranges, shared by both worlds. */
    public static final Range ANISOTROPY = new Range(1.15, 1.8), BACKGROUND = new Range(0, 0.4),
            VARIATION = new Range(0, 0.6), GRADIENT = new Range(0, 0.005), HAZE = new Range(0.1, 1.0),
            HAZE_SIGMA = new Range(4, 12), PEAK = new Range(0.1, 1.3), GAMMA = new Range(0.6, 1.6),
            SPREAD = new Range(0, 0.8), SIZE = new Range(0.6, 1.6), TEXTURE = new Range(0.05, 0.5);

    public SceneSettings {
        Objects.requireNonNull(psf, "psf must not be null");
        if (!(psfSigma > 0 && anisotropy >= 1 && hazeSigma > 0 && peak > 0 && gamma > 0 && density > 0
                && size > 0) || background < 0 || variation < 0 || gradient < 0 || haze < 0 || spread < 0
                || texture < 0) {
            throw new IllegalArgumentException("Scene settings out of range: " + this);
        }
    }

    /** Where settings are drawn from: the training range, or settings held out from it. */
    public enum World {
        TRAIN(TRAIN_PSF_SIGMA, TRAIN_DENSITY),
        HELD_OUT(HELD_OUT_PSF_SIGMA, HELD_OUT_DENSITY);

        private final Range psfSigma, density;

        World(Range psfSigma, Range density) {
            this.psfSigma = psfSigma;
            this.density = density;
        }

        /** Settings of one scene; the same random state always gives the same settings. */
        public SceneSettings draw(SplittableRandom rng) {
            double sigma = psfSigma.uniform(rng);
            Psf[] shapes = Psf.values();
            // Half the scenes Gaussian, a quarter each of the other shapes.
            double u = rng.nextDouble();
            Psf shape = u < 0.5 ? Psf.GAUSSIAN : shapes[1 + (int) ((u - 0.5) * 4)];
            double anisotropy = shape == Psf.ANISOTROPIC ? ANISOTROPY.uniform(rng) : 1;
            double background = BACKGROUND.uniform(rng);
            double variation = VARIATION.uniform(rng);
            double gradient = rng.nextDouble() < 0.5 ? GRADIENT.uniform(rng) : 0;
            double haze = rng.nextDouble() < 0.5 ? HAZE.uniform(rng) : 0;
            double hazeSigma = HAZE_SIGMA.uniform(rng);
            double peak = PEAK.logUniform(rng);
            double gamma = rng.nextDouble() < 0.5 ? GAMMA.logUniform(rng) : 1;
            double spread = SPREAD.uniform(rng);
            double d = density.logUniform(rng);
            double size = SIZE.logUniform(rng);
            double texture = rng.nextDouble() < 0.5 ? TEXTURE.uniform(rng) : 0;
            return new SceneSettings(sigma, shape, anisotropy, background, variation, gradient, haze,
                    hazeSigma, peak, gamma, spread, d, size, texture);
        }

        /** The range of PSF widths this world draws. */
        public Range psfSigma() {
            return psfSigma;
        }

        /** The range of density factors this world draws. */
        public Range density() {
            return density;
        }

        /** What this world draws, in words, for model cards. */
        public String description() {
            String ranges = "PSF sigma " + psfSigma + " px, object density x" + density;
            return this == TRAIN ? "training settings (" + ranges + ")"
                    : "held-out settings (" + ranges + ", outside training's " + TRAIN_PSF_SIGMA + " px and x"
                    + TRAIN_DENSITY + "; all else as in training)";
        }
    }
}
