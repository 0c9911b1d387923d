package dev.h2fs.transport.deployment;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.quarkus.arc.deployment.AdditionalBeanBuildItem;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.annotations.ExecutionTime;
import io.quarkus.deployment.annotations.Record;
import io.quarkus.deployment.builditem.BytecodeTransformerBuildItem;
import io.quarkus.deployment.builditem.CombinedIndexBuildItem;
import io.quarkus.deployment.builditem.FeatureBuildItem;
import io.quarkus.deployment.builditem.RunTimeConfigurationDefaultBuildItem;
import io.quarkus.deployment.builditem.ShutdownListenerBuildItem;
import io.quarkus.deployment.builditem.nativeimage.ReflectiveFieldBuildItem;
import io.quarkus.deployment.builditem.nativeimage.ReflectiveMethodBuildItem;
import io.quarkus.deployment.builditem.nativeimage.RuntimeInitializedPackageBuildItem;
import io.quarkus.deployment.builditem.nativeimage.UnsafeAccessedFieldBuildItem;
import io.quarkus.resteasy.reactive.server.deployment.ResteasyReactiveDeploymentBuildItem;
import io.quarkus.smallrye.health.deployment.spi.HealthBuildItem;
import io.quarkus.vertx.http.deployment.FilterBuildItem;
import io.quarkus.vertx.http.deployment.NonApplicationRootPathBuildItem;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

import dev.h2fs.transport.quarkus.AcceptorLivenessCheck;
import dev.h2fs.transport.quarkus.TransportLifecycle;
import dev.h2fs.transport.quarkus.TransportReadinessCheck;
import dev.h2fs.transport.quarkus.TransportRecorder;

/**
 * Build steps of the h2fs transport extension.
 * <p>
 * What happens to Quarkus's own HTTP listener: we default {@code quarkus.http.host-enabled} to {@code false}. Quarkus
 * then still builds and finalizes its Vert.x router (REST, health, metrics routes) and its root handler, but opens no
 * socket; the transport owns the port and feeds that router. An application may set
 * {@code quarkus.http.host-enabled=true} explicitly (for instance with {@code h2fs.transport.enabled=false}); then the
 * two listeners must use different ports ({@code quarkus.http.port} vs {@code h2fs.transport.port}) or the second
 * bind fails at start-up.
 * <p>
 * Thread: build steps run on Quarkus's build threads.
 */
class TransportProcessor {

    private static final String FEATURE = "h2fs-transport";

    /** JCTools's queues and the offset tables they read at class initialisation. */
    static final List<String> RUNTIME_INITIALIZED_PACKAGES = List.of("org.jctools.queues", "org.jctools.util");

    /**
     * The fields whose {@code Unsafe} offsets the classes of {@code SpscArrayQueue}'s hierarchy (jctools-core 4.0.5)
     * compute in their static initialisers, as {@code declaringClass#field}: {@code UnsafeAccess.fieldOffset} looks
     * each one up by name with {@code Class.getDeclaredField}, which in a native executable finds only registered
     * fields ({@code NoSuchFieldException: producerIndex} otherwise), and then reads and writes it through the offset,
     * which the image builder must know of to keep the field and its offset. No other class of that hierarchy calls
     * {@code fieldOffset}; a queue of another JCTools type, or a JCTools upgrade, needs this list checked again
     * ({@code javap -c} on the hierarchy, looking for {@code UnsafeAccess.fieldOffset}).
     */
    static final List<String> JCTOOLS_UNSAFE_FIELDS = List.of(
            "org.jctools.queues.SpscArrayQueueProducerIndexFields#producerIndex",
            "org.jctools.queues.SpscArrayQueueConsumerIndexField#consumerIndex");

    /**
     * What the fast path reads by reflection to find the writer of Quarkus's access log to a file
     * ({@code QuarkusAccessLogReceiver}), as {@code declaringClass#member}: methods end in {@code ()}.
     */
    static final List<String> ACCESS_LOG_REFLECTION = List.of(
            "io.vertx.ext.web.impl.RouteImpl#state()",
            "io.vertx.ext.web.impl.RouteState#getContextHandlers()",
            "io.quarkus.vertx.http.runtime.filters.accesslog.AccessLogHandler#accessLogReceiver");

    /**
     * Route filters the fast path runs itself, recognised by the priority Quarkus gives them (they are recorder proxies
     * at build time, so nothing else tells them apart): Vert.x HTTP's CORS filter ({@code SecurityHandlerPriorities.CORS},
     * 300; absent at run time unless CORS is enabled), HTTP authentication ({@code AUTHENTICATION}, 200) and HTTP
     * permissions ({@code AUTHORIZATION}, 100). {@code RestFastPath} runs them, in this order, over its own routing
     * context before RESTEasy; a request one of them answers itself (a refusal) goes back to Vert.x's path, which answers
     * it. An application filter at exactly one of these priorities would be run as well.
     */
    static final Set<Integer> FAST_PATH_FILTER_PRIORITIES = Set.of(300, 200, 100);

    /**
     * Quarkus REST's swap of the authentication-failure handler ({@code AUTHENTICATION - 1}, 199), which the fast path
     * does not need to run: the handler it installs is removed again when Quarkus REST starts, and the URI template it
     * computes for the metrics (matching the path once more, per request) the fast path takes from RESTEasy itself.
     * What it leaves behind, no authentication-failure handler once RESTEasy runs, {@code RouteFilters.beforeRest}
     * does.
     */
    static final int REST_AUTH_FAILURE_SWAP_PRIORITY = 199;

    @BuildStep
    FeatureBuildItem feature() {
        return new FeatureBuildItem(FEATURE);
    }

    @BuildStep
    RunTimeConfigurationDefaultBuildItem disableQuarkusHttpListener() {
        return new RunTimeConfigurationDefaultBuildItem("quarkus.http.host-enabled", "false");
    }

    @BuildStep
    AdditionalBeanBuildItem beans() {
        return AdditionalBeanBuildItem.builder()
                .addBeanClasses(TransportLifecycle.class)
                .setUnremovable()
                .build();
    }

    /**
     * Native image. Netty's epoll jar carries its own native-image metadata (JNI entry points, the {@code .so} as a
     * resource, run-time initialisation of {@code io.netty.channel.epoll}) and Quarkus's Netty extension adds the rest
     * of Netty's; what is left is ours: JCTools computes field and array offsets with {@code Unsafe} in static
     * initialisers, which must run in the executable, not in the image builder, whose object layout may differ; and
     * because they run there, the fields they look up by name must be registered for reflection and unsafe access
     * ({@link #JCTOOLS_UNSAFE_FIELDS}).
     */
    @BuildStep
    void nativeImage(BuildProducer<RuntimeInitializedPackageBuildItem> runtimeInitialized,
            BuildProducer<ReflectiveFieldBuildItem> reflectiveFields,
            BuildProducer<ReflectiveMethodBuildItem> reflectiveMethods,
            BuildProducer<UnsafeAccessedFieldBuildItem> unsafeFields) {
        for (String member : ACCESS_LOG_REFLECTION) {
            int hash = member.indexOf('#');
            String declaringClass = member.substring(0, hash);
            String name = member.substring(hash + 1);
            String reason = "the REST fast path finds the writer of Quarkus's access log (QuarkusAccessLogReceiver)";
            if (name.endsWith("()")) {
                reflectiveMethods.produce(new ReflectiveMethodBuildItem(reason, declaringClass,
                        name.substring(0, name.length() - 2), new String[0]));
            } else {
                reflectiveFields.produce(new ReflectiveFieldBuildItem(reason, declaringClass, name));
            }
        }
        for (String pkg : RUNTIME_INITIALIZED_PACKAGES) {
            runtimeInitialized.produce(new RuntimeInitializedPackageBuildItem(pkg));
        }
        for (String field : JCTOOLS_UNSAFE_FIELDS) {
            int hash = field.indexOf('#');
            String declaringClass = field.substring(0, hash);
            String name = field.substring(hash + 1);
            reflectiveFields.produce(new ReflectiveFieldBuildItem(
                    "JCTools looks it up by name for its Unsafe offset (h2fs WorkerQueue)", declaringClass, name));
            unsafeFields.produce(new UnsafeAccessedFieldBuildItem(declaringClass, name));
        }
    }

    /**
     * The REST fast path gets the application's deployment (read from Quarkus REST's build item: producing a request
     * context factory instead would remove Quarkus REST's Vert.x routes, which HTTP/1.1 and every other request
     * still need), the route filters it runs itself ({@link #FAST_PATH_FILTER_PRIORITIES}: CORS and HTTP security),
     * and what in the build rules it out: other Vert.x route filters (they run in Quarkus's router, which the fast
     * path bypasses). OpenTelemetry tracing does not: the fast path reports to Vert.x's tracer itself.
     * Run-time configuration that rules it out is checked when the transport starts ({@code RestFastPath.open}).
     */
    @BuildStep
    @Record(ExecutionTime.RUNTIME_INIT)
    void restFastPath(TransportRecorder recorder, Optional<ResteasyReactiveDeploymentBuildItem> rest,
            NonApplicationRootPathBuildItem nonApplicationRoot, List<FilterBuildItem> filters,
            CombinedIndexBuildItem index) {
        if (rest.isEmpty()) {
            return;
        }
        List<String> reasons = fastPathBuildReasons(filters);
        List<String> vertxUsers = VertxTypeUsers.find(index.getIndex());
        if (!vertxUsers.isEmpty()) {
            reasons.add("REST code the fast path would run takes Vert.x's request objects, which it does not have: "
                    + vertxUsers);
        }
        List<Handler<RoutingContext>> fastPathFilters = filters.stream()
                .filter(filter -> !filter.isFailureHandler()
                        && FAST_PATH_FILTER_PRIORITIES.contains(filter.getPriority()))
                .sorted(Comparator.comparingInt(FilterBuildItem::getPriority).reversed())
                .map(FilterBuildItem::getHandler).toList();
        recorder.registerRestDeployment(rest.get().getDeployment(), nonApplicationRoot.getNonApplicationRootPath(),
                reasons, fastPathFilters);
    }

    /** Vert.x's HTTP/2 connection must tolerate active streams it did not create: {@link VertxStreamOwnershipPatch}. */
    @BuildStep
    BytecodeTransformerBuildItem vertxStreamOwnership() {
        return new BytecodeTransformerBuildItem.Builder()
                .setClassToTransform(VertxStreamOwnershipPatch.CLASS)
                .setVisitorFunction((name, next) -> new VertxStreamOwnershipPatch(next))
                .build();
    }

    static List<String> fastPathBuildReasons(List<FilterBuildItem> filters) {
        List<String> reasons = new ArrayList<>();
        List<Integer> routeFilters = filters.stream()
                .filter(filter -> !filter.isFailureHandler()
                        && !FAST_PATH_FILTER_PRIORITIES.contains(filter.getPriority())
                        && filter.getPriority() != REST_AUTH_FAILURE_SWAP_PRIORITY)
                .map(FilterBuildItem::getPriority).toList();
        if (!routeFilters.isEmpty()) {
            reasons.add("Vert.x route filters are registered (@RouteFilter or an extension's; priorities "
                    + routeFilters + ")");
        }
        return reasons;
    }

    /** The drain joins Quarkus's graceful shutdown (pre-shutdown, {@code quarkus.shutdown.delay}, shutdown). */
    @BuildStep
    @Record(ExecutionTime.RUNTIME_INIT)
    ShutdownListenerBuildItem shutdownListener(TransportRecorder recorder) {
        return new ShutdownListenerBuildItem(recorder.shutdownListener());
    }

    @BuildStep
    void healthChecks(BuildProducer<HealthBuildItem> health) {
        health.produce(new HealthBuildItem(TransportReadinessCheck.class.getName(), true));
        health.produce(new HealthBuildItem(AcceptorLivenessCheck.class.getName(), true));
    }
}
