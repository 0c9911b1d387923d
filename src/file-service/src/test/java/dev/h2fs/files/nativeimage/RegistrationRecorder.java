package dev.h2fs.files.nativeimage;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;

import org.jboss.jandex.AnnotationInstance;
import org.jboss.jandex.AnnotationTarget;
import org.jboss.jandex.AnnotationValue;
import org.jboss.jandex.ClassInfo;
import org.jboss.jandex.DotName;
import org.jboss.jandex.IndexView;
import org.jboss.jandex.MethodInfo;
import org.jboss.jandex.Type;

import io.quarkus.builder.BuildResult;
import io.quarkus.deployment.builditem.CombinedIndexBuildItem;
import io.quarkus.deployment.builditem.nativeimage.ReflectiveClassBuildItem;

/**
 * Reads what a build of the file service registers for reflection, for
 * {@link NativeReflectionRegistrationsTest}. Quarkus instantiates it in the build's own class loader, so it
 * hands its findings back in JDK types only, in the context map: {@link #REFLECTIVE} and {@link #UNTYPED}, each a
 * {@code Set<String>}.
 * <p>
 * Thread: called once, on the thread that runs the build, after the build.
 */
public final class RegistrationRecorder implements BiConsumer<Object, BuildResult> {

    /** Classes registered with their constructors, methods and fields (what Jackson needs of a record). */
    static final String REFLECTIVE = "reflective";
    /** Our resource methods producing JSON whose return type hides the body type, as {@code Class#method}. */
    static final String UNTYPED = "untyped";

    private static final DotName PRODUCES = DotName.createSimple("jakarta.ws.rs.Produces");
    private static final List<DotName> HTTP_METHODS = List.of(DotName.createSimple("jakarta.ws.rs.GET"),
            DotName.createSimple("jakarta.ws.rs.POST"), DotName.createSimple("jakarta.ws.rs.PUT"),
            DotName.createSimple("jakarta.ws.rs.DELETE"), DotName.createSimple("jakarta.ws.rs.PATCH"));
    /** Return types that say nothing of the body: Quarkus REST cannot register what they carry. */
    private static final Set<DotName> UNTYPED_BODIES = Set.of(DotName.createSimple("jakarta.ws.rs.core.Response"),
            DotName.createSimple("java.lang.Object"));
    /** Wrappers whose first type argument is the body type. */
    private static final Set<DotName> WRAPPERS = Set.of(
            DotName.createSimple("org.jboss.resteasy.reactive.RestResponse"),
            DotName.createSimple("io.smallrye.mutiny.Uni"), DotName.createSimple("io.smallrye.mutiny.Multi"),
            DotName.createSimple("java.util.concurrent.CompletionStage"),
            DotName.createSimple("java.util.concurrent.CompletableFuture"));

    @Override
    @SuppressWarnings("unchecked")
    public void accept(Object context, BuildResult result) {
        Map<String, Object> found = (Map<String, Object>) context;
        Set<String> reflective = new TreeSet<>();
        for (ReflectiveClassBuildItem item : result.consumeMulti(ReflectiveClassBuildItem.class)) {
            if (item.isConstructors() && item.isMethods() && item.isFields()) {
                reflective.addAll(item.getClassNames());
            }
        }
        found.put(REFLECTIVE, reflective);
        found.put(UNTYPED, untypedJsonMethods(result.consume(CombinedIndexBuildItem.class).getIndex()));
    }

    private static Set<String> untypedJsonMethods(IndexView index) {
        Set<String> untyped = new TreeSet<>();
        for (AnnotationInstance produces : index.getAnnotations(PRODUCES)) {
            AnnotationTarget target = produces.target();
            if (!producesJson(produces)) {
                continue;
            }
            if (target.kind() == AnnotationTarget.Kind.METHOD) {
                check(target.asMethod(), untyped);
            } else if (target.kind() == AnnotationTarget.Kind.CLASS) {
                // A class-level @Produces covers the resource methods that do not declare their own.
                for (MethodInfo method : target.asClass().methods()) {
                    if (!method.hasDeclaredAnnotation(PRODUCES)
                            && HTTP_METHODS.stream().anyMatch(method::hasDeclaredAnnotation)) {
                        check(method, untyped);
                    }
                }
            }
        }
        return untyped;
    }

    private static boolean producesJson(AnnotationInstance produces) {
        AnnotationValue value = produces.value();
        return value != null && List.of(value.asStringArray()).stream().anyMatch(type -> type.contains("json"));
    }

    private static void check(MethodInfo method, Set<String> untyped) {
        ClassInfo declaring = method.declaringClass();
        // Only ours: libraries in the index answer for their own registrations.
        if (declaring.name().toString().startsWith("dev.h2fs.") && !declaresBody(method.returnType())) {
            untyped.add(declaring.name() + "#" + method.name());
        }
    }

    // No switch on Type.Kind: javac would put its lookup table in a second class, which the build's class loader,
    // given this class file alone, could not load.
    private static boolean declaresBody(Type type) {
        Type.Kind kind = type.kind();
        if (kind == Type.Kind.CLASS) {
            return !UNTYPED_BODIES.contains(type.name()) && !WRAPPERS.contains(type.name());
        }
        if (kind == Type.Kind.PARAMETERIZED_TYPE) {
            return !WRAPPERS.contains(type.name()) || declaresBody(type.asParameterizedType().arguments().get(0));
        }
        // An array, a primitive or void is fine; a type variable or a wildcard names no type the build could register.
        return kind == Type.Kind.ARRAY || kind == Type.Kind.PRIMITIVE || kind == Type.Kind.VOID;
    }
}
