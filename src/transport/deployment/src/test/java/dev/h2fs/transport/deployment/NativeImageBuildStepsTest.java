package dev.h2fs.transport.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

import org.jctools.queues.SpscArrayQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.builder.BuildChainBuilder;
import io.quarkus.builder.BuildContext;
import io.quarkus.builder.BuildStep;
import io.quarkus.deployment.builditem.FeatureBuildItem;
import io.quarkus.deployment.builditem.nativeimage.NativeImageConfigBuildItem;
import io.quarkus.deployment.builditem.nativeimage.ReflectiveFieldBuildItem;
import io.quarkus.deployment.builditem.nativeimage.ReflectiveMethodBuildItem;
import io.quarkus.deployment.builditem.nativeimage.RuntimeInitializedClassBuildItem;
import io.quarkus.deployment.builditem.nativeimage.RuntimeInitializedPackageBuildItem;
import io.quarkus.deployment.builditem.nativeimage.UnsafeAccessedFieldBuildItem;
import io.quarkus.test.QuarkusUnitTest;

/**
 * What a native build of an application with the transport is told, checked in JVM mode (no GraalVM here): JCTools
 * initialised at run time and the fields its queue looks up for {@code Unsafe} offsets registered (ours), Netty's epoll
 * classes initialised at run time (Quarkus's Netty extension, which our extension relies on rather than repeats).
 * <p>
 * Thread: JUnit's; the recording step runs on a Quarkus build thread.
 */
class NativeImageBuildStepsTest {

    // The build runs in another class loader than the test, with its own copy of this class's statics: system
    // properties are what both see.
    private static final String PACKAGES = "h2fs.test.native.runtime-packages";
    private static final String CLASSES = "h2fs.test.native.runtime-classes";
    private static final String UNSAFE_FIELDS = "h2fs.test.native.unsafe-fields";
    private static final String REFLECTIVE_FIELDS = "h2fs.test.native.reflective-fields";
    private static final String REFLECTIVE_METHODS = "h2fs.test.native.reflective-methods";

    @RegisterExtension
    static final QuarkusUnitTest TEST = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(ThreadResource.class))
            .overrideConfigKey("h2fs.transport.port", "0")
            .addBuildChainCustomizer(recordNativeImageItems());

    private static Consumer<BuildChainBuilder> recordNativeImageItems() {
        return chain -> chain.addBuildStep(new BuildStep() {
            @Override
            public void execute(BuildContext context) {
                Set<String> packages = new TreeSet<>();
                Set<String> classes = new TreeSet<>();
                for (RuntimeInitializedPackageBuildItem item : context
                        .consumeMulti(RuntimeInitializedPackageBuildItem.class)) {
                    packages.add(item.getPackageName());
                }
                for (RuntimeInitializedClassBuildItem item : context
                        .consumeMulti(RuntimeInitializedClassBuildItem.class)) {
                    classes.add(item.getClassName());
                }
                for (NativeImageConfigBuildItem item : context.consumeMulti(NativeImageConfigBuildItem.class)) {
                    item.getRuntimeInitializedClasses().forEach(classes::add);
                }
                Set<String> unsafeFields = new TreeSet<>();
                for (UnsafeAccessedFieldBuildItem item : context.consumeMulti(UnsafeAccessedFieldBuildItem.class)) {
                    unsafeFields.add(item.getDeclaringClass() + "#" + item.getFieldName());
                }
                Set<String> reflectiveFields = new TreeSet<>();
                for (ReflectiveFieldBuildItem item : context.consumeMulti(ReflectiveFieldBuildItem.class)) {
                    reflectiveFields.add(item.getDeclaringClass() + "#" + item.getName());
                }
                Set<String> reflectiveMethods = new TreeSet<>();
                for (ReflectiveMethodBuildItem item : context.consumeMulti(ReflectiveMethodBuildItem.class)) {
                    reflectiveMethods.add(item.getDeclaringClass() + "#" + item.getName() + "()");
                }
                System.setProperty(REFLECTIVE_METHODS, String.join(",", reflectiveMethods));
                System.setProperty(PACKAGES, String.join(",", packages));
                System.setProperty(CLASSES, String.join(",", classes));
                System.setProperty(UNSAFE_FIELDS, String.join(",", unsafeFields));
                System.setProperty(REFLECTIVE_FIELDS, String.join(",", reflectiveFields));
                // A feature is always consumed, so this step (and the steps it consumes from) runs in JVM mode too.
                context.produce(new FeatureBuildItem("native-image-check"));
            }
        }).consumes(RuntimeInitializedPackageBuildItem.class).consumes(RuntimeInitializedClassBuildItem.class)
                .consumes(NativeImageConfigBuildItem.class).consumes(UnsafeAccessedFieldBuildItem.class)
                .consumes(ReflectiveFieldBuildItem.class).consumes(ReflectiveMethodBuildItem.class)
                .produces(FeatureBuildItem.class).build();
    }

    @Test
    void jctoolsIsInitialisedAtRunTime() {
        List<String> packages = List.of(System.getProperty(PACKAGES, "").split(","));
        assertTrue(packages.containsAll(List.of("org.jctools.queues", "org.jctools.util")), packages.toString());
    }

    /**
     * The executable failed at start-up with {@code NoSuchFieldException: producerIndex} when these were missing. The
     * expected fields are read off the JCTools jar on the class path, so an upgrade that adds or renames one fails
     * here: in jctools-core 4.0.5 the volatile fields of {@code SpscArrayQueue}'s hierarchy are exactly the ones its
     * static initialisers look up with {@code UnsafeAccess.fieldOffset} ({@code javap -c}).
     */
    @Test
    void jctoolsQueueIndexFieldsAreRegisteredForReflectionAndUnsafeAccess() {
        Set<String> expected = new TreeSet<>();
        for (Class<?> c = SpscArrayQueue.class; c.getName().startsWith("org.jctools."); c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                int modifiers = field.getModifiers();
                if (Modifier.isVolatile(modifiers) && !Modifier.isStatic(modifiers)) {
                    expected.add(c.getName() + "#" + field.getName());
                }
            }
        }
        assertEquals(Set.of("org.jctools.queues.SpscArrayQueueProducerIndexFields#producerIndex",
                "org.jctools.queues.SpscArrayQueueConsumerIndexField#consumerIndex"), expected,
                "SpscArrayQueue's Unsafe-accessed fields changed: check TransportProcessor.JCTOOLS_UNSAFE_FIELDS");

        List<String> unsafe = List.of(System.getProperty(UNSAFE_FIELDS, "").split(","));
        assertTrue(unsafe.containsAll(expected), "registered for unsafe access: " + unsafe);
        List<String> reflective = List.of(System.getProperty(REFLECTIVE_FIELDS, "").split(","));
        assertTrue(reflective.containsAll(expected), "registered for reflection: " + reflective);
    }

    /**
     * The fast path finds the writer of Quarkus's access log to a file by reflection (QuarkusAccessLogReceiver): what
     * it reads must exist under these names in this Quarkus and Vert.x, and be registered for a native executable,
     * where reflection finds only what is registered.
     */
    @Test
    void whatFindsTheAccessLogWriterExistsAndIsRegisteredForReflection() throws Exception {
        assertNotNull(Class.forName("io.vertx.ext.web.impl.RouteImpl").getDeclaredMethod("state"));
        assertNotNull(Class.forName("io.vertx.ext.web.impl.RouteState").getDeclaredMethod("getContextHandlers"));
        assertNotNull(Class.forName("io.quarkus.vertx.http.runtime.filters.accesslog.AccessLogHandler")
                .getDeclaredField("accessLogReceiver"));
        List<String> methods = List.of(System.getProperty(REFLECTIVE_METHODS, "").split(","));
        assertTrue(methods.containsAll(List.of("io.vertx.ext.web.impl.RouteImpl#state()",
                "io.vertx.ext.web.impl.RouteState#getContextHandlers()")), methods.toString());
        List<String> fields = List.of(System.getProperty(REFLECTIVE_FIELDS, "").split(","));
        assertTrue(
                fields.contains("io.quarkus.vertx.http.runtime.filters.accesslog.AccessLogHandler#accessLogReceiver"),
                fields.toString());
    }

    @Test
    void nettyEpollIsInitialisedAtRunTime() {
        List<String> classes = List.of(System.getProperty(CLASSES, "").split(","));
        assertTrue(classes.containsAll(List.of("io.netty.channel.epoll.Epoll", "io.netty.channel.epoll.Native",
                "io.netty.channel.epoll.EpollEventLoop")), classes.toString());
    }
}
