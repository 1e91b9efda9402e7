package sc.fiji.diffusion.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import sc.fiji.diffusion.engine.data.SceneSettings.Psf;
import sc.fiji.diffusion.engine.data.SceneSettings.Range;
import sc.fiji.diffusion.engine.data.SceneSettings.World;
import sc.fiji.diffusion.engine.data.WideScenes.Kind;

class WideScenesTest {

    private static final int DRAWS = 4000;

    /** A plain scene: Gaussian PSF of 1.5 px, no haze, texture or gradient. */
    private static SceneSettings plain(double background, double psfSigma, Psf psf, double anisotropy) {
        return new SceneSettings(psfSigma, psf, anisotropy, background, 0, 0, 0, 8, 0.8, 1, 0, 1, 1, 0);
    }

    // ---------------------------------------------------------------- the old world stays as it was

    @Test
    void theFiveKindsOfSyntheticScenesAreUnchanged() {
        // The hash of these scenes before the wide world was added beside them.
        long h = 17;
        for (SyntheticScenes.Kind k : SyntheticScenes.Kind.values()) {
            for (long s = 1; s <= 3; s++) {
                for (float v : SyntheticScenes.scene(k, 40 + (int) s, 56, s * 1_000_003L)) {
                    h = h * 31 + Float.floatToIntBits(v);
                }
            }
        }
        assertEquals("28adf09dc6aa0194", Long.toHexString(h));
    }

    // ---------------------------------------------------------------- settings

    @Test
    void heldOutSettingsNeverComeFromTheTrainingDraw() {
        assertTrue(SceneSettings.TRAIN_PSF_SIGMA.hi() < SceneSettings.HELD_OUT_PSF_SIGMA.lo());
        assertTrue(SceneSettings.TRAIN_DENSITY.hi() < SceneSettings.HELD_OUT_DENSITY.lo());
        SplittableRandom rng = new SplittableRandom(3);
        for (int i = 0; i < DRAWS; i++) {
            SceneSettings train = World.TRAIN.draw(rng);
            assertTrue(SceneSettings.TRAIN_PSF_SIGMA.contains(train.psfSigma()), train.toString());
            assertTrue(SceneSettings.TRAIN_DENSITY.contains(train.density()), train.toString());
            assertFalse(SceneSettings.HELD_OUT_PSF_SIGMA.contains(train.psfSigma()), train.toString());
            assertFalse(SceneSettings.HELD_OUT_DENSITY.contains(train.density()), train.toString());
            SceneSettings held = World.HELD_OUT.draw(rng);
            assertTrue(SceneSettings.HELD_OUT_PSF_SIGMA.contains(held.psfSigma()), held.toString());
            assertTrue(SceneSettings.HELD_OUT_DENSITY.contains(held.density()), held.toString());
        }
    }

    @Test
    void theTrainingDrawCoversItsRanges() {
        SplittableRandom rng = new SplittableRandom(4);
        double[][] seen = new double[8][];
        Set<Psf> shapes = EnumSet.noneOf(Psf.class);
        int hazeless = 0, textureless = 0, flat = 0, linear = 0;
        for (int i = 0; i < DRAWS; i++) {
            SceneSettings s = World.TRAIN.draw(rng);
            double[] v = { s.psfSigma(), s.density(), s.background(), s.peak(), s.gamma(), s.size(), s.haze(),
                s.gradient() };
            for (int k = 0; k < v.length; k++) {
                if (seen[k] == null) {
                    seen[k] = new double[] { v[k], v[k] };
                }
                seen[k][0] = Math.min(seen[k][0], v[k]);
                seen[k][1] = Math.max(seen[k][1], v[k]);
            }
            shapes.add(s.psf());
            hazeless += s.haze() == 0 ? 1 : 0;
            textureless += s.texture() == 0 ? 1 : 0;
            flat += s.gradient() == 0 ? 1 : 0;
            linear += s.gamma() == 1 ? 1 : 0;
            assertEquals(s.psf() == Psf.ANISOTROPIC, s.anisotropy() > 1, s.toString());
        }
        Range[] ranges = { SceneSettings.TRAIN_PSF_SIGMA, SceneSettings.TRAIN_DENSITY, SceneSettings.BACKGROUND,
            SceneSettings.PEAK, SceneSettings.GAMMA, SceneSettings.SIZE, SceneSettings.HAZE,
            SceneSettings.GRADIENT };
        for (int k = 0; k < ranges.length; k++) {
            double width = ranges[k].hi() - ranges[k].lo();
            // Haze and gradient are absent in half the scenes; their drawn values span the range.
            double lo = k >= 6 ? 0 : ranges[k].lo();
            assertEquals(lo, seen[k][0], 0.02 * width, "lowest of setting " + k);
            assertEquals(ranges[k].hi(), seen[k][1], 0.02 * width, "highest of setting " + k);
        }
        assertEquals(EnumSet.allOf(Psf.class), shapes);
        for (int none : new int[] { hazeless, textureless, flat, linear }) {
            assertEquals(0.5, none / (double) DRAWS, 0.05);
        }
    }

    @Test
    void theSameRandomStateDrawsTheSameSettings() {
        assertEquals(World.TRAIN.draw(new SplittableRandom(9)), World.TRAIN.draw(new SplittableRandom(9)));
        assertFalse(World.TRAIN.draw(new SplittableRandom(9)).equals(World.TRAIN.draw(new SplittableRandom(10))));
    }

    // ---------------------------------------------------------------- scenes

    @ParameterizedTest
    @EnumSource(Kind.class)
    void everyKindIsDeterministicNonBlankAndInRange(Kind kind) {
        SplittableRandom rng = new SplittableRandom(kind.ordinal());
        for (World world : World.values()) {
            for (long seed = 0; seed < 12; seed++) {
                SceneSettings s = world.draw(rng);
                float[] a = WideScenes.scene(kind, s, 48, 40, seed);
                assertArrayEquals(a, WideScenes.scene(kind, s, 48, 40, seed));
                assertFalse(Arrays.equals(a, WideScenes.scene(kind, s, 48, 40, seed + 1)));
                double min = 1, max = 0;
                for (float v : a) {
                    assertTrue(v >= 0 && v <= 1, kind + " " + s + ": " + v);
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
                assertTrue(max - min > 0.01, kind + " " + s + " is blank: " + min + "-" + max);
            }
        }
    }

    @Test
    void theNewKindsShowStructureAboveTheBackground() {
        for (Kind kind : new Kind[] { Kind.MITOCHONDRIA, Kind.VESICLES, Kind.SPECKLES }) {
            double contrast = 0;
            for (long seed = 0; seed < 10; seed++) {
                float[] a = WideScenes.scene(kind, plain(0.1, 1.2, Psf.GAUSSIAN, 1), 64, 64, seed);
                float[] sorted = a.clone();
                Arrays.sort(sorted);
                contrast += sorted[sorted.length - 1 - sorted.length / 100] - sorted[sorted.length / 100];
            }
            assertTrue(contrast / 10 > 0.3, kind + ": mean contrast " + contrast / 10);
        }
    }

    @Test
    void theBackgroundLevelRaisesTheWholeScene() {
        for (Kind kind : Kind.values()) {
            float[] dark = WideScenes.scene(kind, plain(0, 1.2, Psf.GAUSSIAN, 1), 48, 48, 5);
            float[] lit = WideScenes.scene(kind, plain(0.3, 1.2, Psf.GAUSSIAN, 1), 48, 48, 5);
            float lowDark = dark[0], lowLit = lit[0];
            for (int i = 0; i < dark.length; i++) {
                lowDark = Math.min(lowDark, dark[i]);
                lowLit = Math.min(lowLit, lit[i]);
            }
            assertTrue(lowLit - lowDark > 0.25, kind + ": floor " + lowDark + " -> " + lowLit);
        }
    }

    /** Mean absolute difference of horizontal (dx) and vertical neighbours, over several scenes. */
    private static double[] gradients(SceneSettings s) {
        double[] sums = new double[2];
        for (long seed = 0; seed < 8; seed++) {
            Neighbours.addDifferences(WideScenes.scene(Kind.PUNCTA, s, 64, 64, seed), 64, sums);
        }
        return sums;
    }

    @Test
    void theAnisotropicPsfBlursAlongXMoreThanAlongY() {
        double[] round = gradients(plain(0.05, 1.5, Psf.GAUSSIAN, 1));
        double[] stretched = gradients(plain(0.05, 1.5, Psf.ANISOTROPIC, 1.8));
        assertEquals(1, round[0] / round[1], 0.1);
        assertTrue(stretched[0] / stretched[1] < 0.75, "x/y gradient ratio " + stretched[0] / stretched[1]);
    }

    /** Mean absolute neighbour difference relative to the standard deviation, over several scenes. */
    private static double roughness(SceneSettings s) {
        double total = 0;
        int n = 64;
        for (long seed = 0; seed < 8; seed++) {
            float[] a = WideScenes.scene(Kind.FILAMENTS, s, n, n, seed);
            double mean = 0, var = 0, g = 0;
            for (float v : a) {
                mean += v / a.length;
            }
            for (int i = 0; i < a.length - 1; i++) {
                var += (a[i] - mean) * (a[i] - mean) / a.length;
                g += i % n == n - 1 ? 0 : Math.abs(a[i + 1] - a[i]) / a.length;
            }
            total += g / Math.sqrt(var);
        }
        return total;
    }

    @Test
    void aWiderPsfGivesSmootherScenes() {
        double narrow = roughness(plain(0.05, 0.8, Psf.GAUSSIAN, 1));
        double wide = roughness(plain(0.05, 3.0, Psf.GAUSSIAN, 1));
        assertTrue(wide < 0.8 * narrow, narrow + " -> " + wide);
    }

    @Test
    void theAiryRingKeepsTheLightAndPutsATenthOnTheRing() {
        int n = 41;
        float[] image = new float[n * n];
        image[20 * n + 20] = 1;
        WideScenes.ring(image, n, n, 6, WideScenes.AIRY_RING_WEIGHT);
        double total = 0, onRing = 0;
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                total += image[y * n + x];
                double r = Math.hypot(x - 20, y - 20);
                onRing += Math.abs(r - 6) < 0.5 ? image[y * n + x] : 0;
            }
        }
        assertEquals(1, total, 1e-5);
        assertEquals(0.9, image[20 * n + 20], 1e-6);
        assertEquals(WideScenes.AIRY_RING_WEIGHT, onRing, 1e-5);
    }
}
