package dev.h2fs.transport.deployment;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.builder.BuildChainBuilder;
import io.quarkus.builder.BuildContext;
import io.quarkus.builder.BuildStep;
import io.quarkus.deployment.builditem.FeatureBuildItem;
import io.quarkus.deployment.builditem.nativeimage.NativeImageConfigBuildItem;
import io.quarkus.deployment.builditem.nativeimage.RuntimeInitializedClassBuildItem;
import io.quarkus.deployment.builditem.nativeimage.RuntimeInitializedPackageBuildItem;
import io.quarkus.test.QuarkusUnitTest;

/**
 * What a native build of an application with the transport is told, checked in JVM mode (no GraalVM here): JCTools
 * initialised at run time (ours), Netty's epoll classes initialised at run time (Quarkus's Netty extension, which our
 * extension relies on rather than repeats).
 */
class NativeImageBuildStepsTest {

    // The build runs in another class loader than the test, with its own copy of this class's statics: system
    // properties are what both see.
    private static final String PACKAGES = "h2fs.test.native.runtime-packages";
    private static final String CLASSES = "h2fs.test.native.runtime-classes";

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
                System.setProperty(PACKAGES, String.join(",", packages));
                System.setProperty(CLASSES, String.join(",", classes));
                // A feature is always consumed, so this step (and the steps it consumes from) runs in JVM mode too.
                context.produce(new FeatureBuildItem("native-image-check"));
            }
        }).consumes(RuntimeInitializedPackageBuildItem.class).consumes(RuntimeInitializedClassBuildItem.class)
                .consumes(NativeImageConfigBuildItem.class).produces(FeatureBuildItem.class).build();
    }

    @Test
    void jctoolsIsInitialisedAtRunTime() {
        List<String> packages = List.of(System.getProperty(PACKAGES, "").split(","));
        assertTrue(packages.containsAll(List.of("org.jctools.queues", "org.jctools.util")), packages.toString());
    }

    @Test
    void nettyEpollIsInitialisedAtRunTime() {
        List<String> classes = List.of(System.getProperty(CLASSES, "").split(","));
        assertTrue(classes.containsAll(List.of("io.netty.channel.epoll.Epoll", "io.netty.channel.epoll.Native",
                "io.netty.channel.epoll.EpollEventLoop")), classes.toString());
    }
}
