package dev.h2fs.files.nativeimage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.bootstrap.app.CuratedApplication;
import io.quarkus.bootstrap.app.QuarkusBootstrap;
import io.quarkus.caffeine.runtime.graal.CacheConstructorsFeature;
import io.quarkus.deployment.builditem.CombinedIndexBuildItem;
import io.quarkus.deployment.builditem.nativeimage.ReflectiveClassBuildItem;

import dev.h2fs.files.auth.VerifiedTokenCache;
import dev.h2fs.files.cache.CacheLimits;
import dev.h2fs.files.cache.FileCache;

/**
 * What a native build of the file service registers for reflection, checked in JVM mode (no GraalVM here). Jackson
 * serialises response bodies by reflection, so in a native executable a body type that is not registered fails at
 * run time: the upload stored the file, then answered an empty 500.
 * <p>
 * The build is the real one: the application in {@code target/classes} with its dependencies and configuration, in
 * production mode with {@code quarkus.native.enabled=true}, run as far as the reflection registrations (which is short
 * of the native-image tool). Not a {@code QuarkusUnitTest}: those cannot share a test run with this module's
 * {@code @QuarkusTest}s, and this needs no running application.
 * <p>
 * Thread: JUnit's; the build runs on it and on Quarkus's build threads.
 */
class NativeReflectionRegistrationsTest {

    private static Set<String> reflective;
    private static Set<String> untypedJsonMethods;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void buildForNative(@TempDir Path work) throws Exception {
        Path module = Path.of("").toAbsolutePath();
        Properties buildConfig = new Properties();
        buildConfig.setProperty("quarkus.native.enabled", "true");
        Map<String, Object> found = new HashMap<>();
        try (CuratedApplication app = QuarkusBootstrap.builder()
                .setApplicationRoot(module.resolve("target/classes"))
                .setProjectRoot(module)
                .setTargetDirectory(work.resolve("target"))
                .setMode(QuarkusBootstrap.Mode.PROD)
                .setLocalProjectDiscovery(true)
                .setIsolateDeployment(true)
                .setBuildSystemProperties(buildConfig)
                .setBaseName("native registrations")
                .addAdditionalDeploymentArchive(recorderArchive(work.resolve("recorder")))
                .build().bootstrap()) {
            app.createAugmentor().performCustomBuild(RegistrationRecorder.class.getName(), found,
                    ReflectiveClassBuildItem.class.getName(), CombinedIndexBuildItem.class.getName());
        }
        reflective = (Set<String>) found.get(RegistrationRecorder.REFLECTIVE);
        untypedJsonMethods = (Set<String>) found.get(RegistrationRecorder.UNTYPED);
    }

    /** The build loads the recorder in its own class loader, which sees the application, not the test classes. */
    private static Path recorderArchive(Path dir) throws IOException {
        String file = RegistrationRecorder.class.getName().replace('.', '/') + ".class";
        Path compiled = Path
                .of(RegistrationRecorder.class.getProtectionDomain().getCodeSource().getLocation().getPath())
                .resolve(file);
        Path copy = dir.resolve(file);
        Files.createDirectories(copy.getParent());
        Files.copy(compiled, copy);
        return dir;
    }

    @Test
    void uploadResponseBodyTypesAreRegisteredForReflection() {
        assertTrue(reflective.containsAll(List.of("dev.h2fs.files.api.FilesResource$UploadResult",
                "dev.h2fs.files.upload.UploadedFile")), reflective.toString());
    }

    /**
     * Caffeine builds each cache from a class it looks up by a name made of the builder's options ({@code SSMW}: strong
     * keys and values, maximum weight) and instantiates by reflection, and the same for its entries. Quarkus's Caffeine
     * extension registers a fixed list of common ones; the file cache's was not on it, and the executable failed at
     * start-up with {@code ClassNotFoundException: com.github.benmanes.caffeine.cache.SSMW}. The names are read off the
     * file cache Caffeine builds here, in JVM mode, so a change to the builder that needs another class fails here.
     */
    @Test
    void fileCacheImplementationClassesAreRegisteredForReflection() throws Exception {
        FileCache cache = new FileCache(new CacheLimits(1 << 20, 1 << 20, 0, 4096, Duration.ofSeconds(1)),
                new SimpleMeterRegistry());
        Object async = field(cache, "mappings");
        Object local = field(async, "cache");
        Object nodes = field(local, "nodeFactory");
        Set<String> registered = new HashSet<>(reflective);
        registered.addAll(List.of(CacheConstructorsFeature.typesNeedingConstructorsRegistered()));
        for (String needed : List.of(local.getClass().getName(), nodes.getClass().getName())) {
            assertTrue(registered.contains(needed), needed + " is not registered for reflection");
        }
    }

    /** The same for the cache of verified bearer tokens, whose builder options differ (size bound, variable expiry). */
    @Test
    void verifiedTokenCacheImplementationClassesAreRegisteredForReflection() throws Exception {
        Object local = field(VerifiedTokenCache.newCache(10, Duration.ofMinutes(1)), "cache");
        Object nodes = field(local, "nodeFactory");
        Set<String> registered = new HashSet<>(reflective);
        registered.addAll(List.of(CacheConstructorsFeature.typesNeedingConstructorsRegistered()));
        for (String needed : List.of(local.getClass().getName(), nodes.getClass().getName())) {
            assertTrue(registered.contains(needed), needed + " is not registered for reflection");
        }
    }

    private static Object field(Object owner, String name) throws ReflectiveOperationException {
        for (Class<?> c = owner.getClass(); c != null; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (f.getName().equals(name)) {
                    f.setAccessible(true);
                    return f.get(owner);
                }
            }
        }
        throw new NoSuchFieldException(owner.getClass() + "." + name);
    }

    /**
     * A JSON method returning a bare {@code Response} (or {@code Object}) hides its body's type from the build, which
     * then registers nothing for it: such a method must return the body type, or a {@code RestResponse} of it.
     */
    @Test
    void everyJsonResourceMethodDeclaresItsBodyType() {
        assertEquals(Set.of(), untypedJsonMethods, "JSON resource methods without a declared body type");
    }
}
