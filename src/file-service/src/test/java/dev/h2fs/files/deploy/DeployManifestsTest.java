package dev.h2fs.files.deploy;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * Keeps {@code deploy/} and {@code src-native/} from drifting away from the code: every YAML document under
 * {@code deploy/} is parsed, and each probe, healthcheck and scrape path it names must answer {@code 200} on this
 * running application, on the port that the manifest's own {@code PORT} variable makes the service listen on. The
 * Dockerfiles, the grace periods, the store volume and the dashboard's metric names are checked the same way.
 * <p>
 * Paths are resolved from the module directory ({@code src/file-service}), surefire's working directory.
 * <p>
 * Thread: JUnit's test thread.
 */
@QuarkusTest
class DeployManifestsTest {

    private static final Path REPO = Path.of("../..").toAbsolutePath().normalize();
    private static final Path DEPLOY = REPO.resolve("deploy");
    private static final Path K8S = DEPLOY.resolve("k8s");
    private static final List<Path> DOCKERFILES = List.of(DEPLOY.resolve("Dockerfile.jvm"),
            REPO.resolve("src-native/Dockerfile.native"));
    /** The announced default of {@code h2fs.transport.drain-timeout}, used until the key exists. */
    private static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);

    private static final List<Map<String, Object>> k8s = new ArrayList<>();
    private static final List<Map<String, Object>> compose = new ArrayList<>();
    private static final List<Pod> pods = new ArrayList<>();

    /** One container of a workload's pod template, with the pod-level parts the checks need. */
    record Pod(String workload, Map<String, Object> template, Map<String, Object> spec, Map<String, Object> container) {

        Map<String, String> env() {
            Map<String, String> env = new LinkedHashMap<>();
            for (Object e : list(container.get("env"))) {
                env.put(str(map(e).get("name")), str(map(e).get("value")));
            }
            return env;
        }

        int port() {
            String port = env().get("PORT");
            assertNotNull(port, workload + ": container has no PORT env");
            return Integer.parseInt(port);
        }

        /** A probe's or Service's port: a number, or the name of one of the container's ports. */
        int resolvePort(Object port) {
            if (port instanceof Integer number) {
                return number;
            }
            for (Object p : list(container.get("ports"))) {
                if (String.valueOf(port).equals(map(p).get("name"))) {
                    return (Integer) map(p).get("containerPort");
                }
            }
            return fail(workload + ": no container port named " + port);
        }

        Map<String, String> labels() {
            return stringMap(map(template.get("metadata")).get("labels"));
        }
    }

    @BeforeAll
    static void parseEveryYamlDocument() throws IOException {
        k8s.clear();
        compose.clear();
        pods.clear();
        assertTrue(Files.isDirectory(DEPLOY), "deploy/ not found at " + DEPLOY + " (working directory must be "
                + "src/file-service)");
        List<Path> files;
        try (Stream<Path> walk = Files.walk(DEPLOY)) {
            files = walk.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted()
                    .toList();
        }
        for (Path file : files) {
            try (Reader in = Files.newBufferedReader(file)) {
                for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(in)) {
                    Map<String, Object> m = map(doc);
                    if (m.containsKey("services")) {
                        compose.add(m);
                    } else if (m.containsKey("apiVersion") && m.containsKey("kind")) {
                        k8s.add(m);
                    } else {
                        fail(file + ": a YAML document that is neither a compose file nor a Kubernetes object");
                    }
                }
            }
        }
        for (Map<String, Object> doc : k8s) {
            Map<String, Object> template = map(map(doc.get("spec")).get("template"));
            Map<String, Object> spec = map(template.get("spec"));
            for (Object c : list(spec.get("containers"))) {
                pods.add(new Pod(name(doc), template, spec, map(c)));
            }
        }
        assertFalse(pods.isEmpty(), "no workload with a pod template under " + K8S);
        assertFalse(compose.isEmpty(), "no compose file under " + DEPLOY);
    }

    @Test
    void everyProbeAnswers200OnTheContainersServicePort() {
        for (Pod pod : pods) {
            int port = pod.port();
            assertTrue(containerPorts(pod).contains(port),
                    pod.workload() + ": PORT " + port + " is not a container port");
            for (String kind : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
                Map<String, Object> probe = map(pod.container().get(kind));
                assertFalse(probe.isEmpty(), pod.workload() + ": no " + kind);
                Map<String, Object> http = map(probe.get("httpGet"));
                String path = str(http.get("path"));
                assertNotNull(path, pod.workload() + ": " + kind + " is not an httpGet probe");
                assertEquals(port, pod.resolvePort(http.get("port")), pod.workload() + ": " + kind + " port");
                assertUp(pod.workload() + " " + kind, path);
            }
        }
    }

    @Test
    void prometheusAnnotationsPointAtMetricsOnTheServicePort() {
        for (Pod pod : pods) {
            Map<String, String> annotations = stringMap(map(pod.template().get("metadata")).get("annotations"));
            assertEquals("true", annotations.get("prometheus.io/scrape"), pod.workload());
            assertEquals(String.valueOf(pod.port()), annotations.get("prometheus.io/port"), pod.workload());
            String path = annotations.get("prometheus.io/path");
            assertNotNull(path, pod.workload() + ": no prometheus.io/path");
            Response metrics = given().get(path);
            assertEquals(200, metrics.statusCode(), pod.workload() + ": GET " + path);
            assertTrue(metrics.asString().contains("h2fs_"), pod.workload() + ": " + path + " has no h2fs_ meters");
        }
    }

    @Test
    void terminationGraceOutlastsPreStopAndDrain() {
        long drain = drainTimeout().toSeconds();
        for (Pod pod : pods) {
            Object grace = pod.spec().get("terminationGracePeriodSeconds");
            assertNotNull(grace, pod.workload() + ": terminationGracePeriodSeconds not set (default 30s = drain)");
            long preStop = preStopSeconds(map(map(pod.container().get("lifecycle")).get("preStop")));
            assertTrue(((Number) grace).longValue() > preStop + drain, pod.workload() + ": grace " + grace
                    + "s must exceed preStop " + preStop + "s + drain " + drain + "s");
        }
        for (Map.Entry<String, Object> service : composeServices().entrySet()) {
            String stop = str(map(service.getValue()).get("stop_grace_period"));
            assertNotNull(stop, service.getKey() + ": no stop_grace_period (default 10s)");
            assertTrue(composeDuration(stop).toSeconds() > drain, service.getKey() + ": stop_grace_period " + stop);
        }
    }

    @Test
    void podRunsNonRootOnAReadOnlyRootWithTheStoreOnASharedClaimAndTmpWritable() {
        for (Pod pod : pods) {
            Map<String, Object> podSecurity = map(pod.spec().get("securityContext"));
            Map<String, Object> security = map(pod.container().get("securityContext"));
            assertTrue(Boolean.TRUE.equals(security.getOrDefault("runAsNonRoot", podSecurity.get("runAsNonRoot"))),
                    pod.workload() + ": runAsNonRoot");
            assertEquals(Boolean.TRUE, security.get("readOnlyRootFilesystem"), pod.workload());
            Map<String, Map<String, Object>> volumes = new LinkedHashMap<>();
            for (Object v : list(pod.spec().get("volumes"))) {
                volumes.put(str(map(v).get("name")), map(v));
            }
            Map<String, Map<String, Object>> mounts = new LinkedHashMap<>();
            for (Object m : list(pod.container().get("volumeMounts"))) {
                mounts.put(str(map(m).get("mountPath")), volumes.get(str(map(m).get("name"))));
            }
            Map<String, Object> store = mounts.get(pod.env().get("FILES_DIR"));
            assertNotNull(store, pod.workload() + ": nothing mounted at FILES_DIR " + pod.env().get("FILES_DIR"));
            String claim = str(map(store.get("persistentVolumeClaim")).get("claimName"));
            Map<String, Object> pvc = k8s.stream().filter(d -> "PersistentVolumeClaim".equals(d.get("kind")))
                    .filter(d -> name(d).equals(claim)).findFirst()
                    .orElseGet(() -> fail(pod.workload() + ": store claim " + claim + " is not among the manifests"));
            assertTrue(list(map(pvc.get("spec")).get("accessModes")).contains("ReadWriteMany"),
                    claim + ": replicas share the store, so the claim must be ReadWriteMany");
            assertNotNull(mounts.get("/tmp"), pod.workload() + ": /tmp must be a writable volume");
            assertTrue(mounts.get("/tmp").containsKey("emptyDir"), pod.workload() + ": /tmp is not an emptyDir");
        }
    }

    @Test
    void serviceAutoscalerAndBudgetTargetTheWorkload() {
        Set<String> workloads = pods.stream().map(Pod::workload).collect(Collectors.toSet());
        Set<String> kinds = new TreeSet<>();
        for (Map<String, Object> doc : k8s) {
            Map<String, Object> spec = map(doc.get("spec"));
            String kind = str(doc.get("kind"));
            kinds.add(kind);
            switch (kind) {
                case "Service" -> {
                    Pod pod = selected(stringMap(spec.get("selector")), doc);
                    for (Object p : list(spec.get("ports"))) {
                        assertEquals(pod.port(), pod.resolvePort(map(p).get("targetPort")), name(doc) + " targetPort");
                    }
                }
                case "PodDisruptionBudget" -> selected(stringMap(map(spec.get("selector")).get("matchLabels")), doc);
                case "HorizontalPodAutoscaler" -> {
                    assertEquals("autoscaling/v2", doc.get("apiVersion"));
                    assertTrue(workloads.contains(str(map(spec.get("scaleTargetRef")).get("name"))), name(doc));
                }
                default -> {
                }
            }
        }
        assertTrue(kinds.containsAll(List.of("Deployment", "Service", "PersistentVolumeClaim",
                "HorizontalPodAutoscaler", "PodDisruptionBudget", "Kustomization")), "kinds found: " + kinds);
    }

    @Test
    void kustomizationListsEveryManifestInItsDirectory() throws IOException {
        Map<String, Object> kustomization = k8s.stream().filter(d -> "Kustomization".equals(d.get("kind")))
                .findFirst().orElseGet(() -> fail("no kustomization.yaml under " + K8S));
        Set<String> listed = new TreeSet<>();
        list(kustomization.get("resources")).forEach(r -> listed.add(str(r)));
        Set<String> present = new TreeSet<>();
        try (Stream<Path> files = Files.list(K8S)) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml") || n.endsWith(".yml"))
                    .filter(n -> !n.startsWith("kustomization.")).forEach(present::add);
        }
        assertEquals(present, listed);
    }

    /**
     * Writes need a bearer token, so each deployment tells the service where the verifying key is, and mounts it
     * read-only there (optional in Kubernetes: without it the pod starts and refuses every write).
     */
    @Test
    void everyWorkloadGetsTheTokenVerifyingKeyFromAReadOnlyMount() {
        for (Pod pod : pods) {
            String key = pod.env().get("MP_JWT_VERIFY_PUBLICKEY_LOCATION");
            assertNotNull(key, pod.workload() + ": no MP_JWT_VERIFY_PUBLICKEY_LOCATION");
            assertTrue(pod.env().containsKey("MP_JWT_VERIFY_ISSUER"), pod.workload() + ": no MP_JWT_VERIFY_ISSUER");
            String dir = Path.of(key).getParent().toString();
            assertTrue(list(pod.container().get("volumeMounts")).stream().map(m -> map(m))
                    .anyMatch(m -> dir.equals(str(m.get("mountPath"))) && Boolean.TRUE.equals(m.get("readOnly"))),
                    pod.workload() + ": the key's directory " + dir + " is not a read-only mount");
        }
        for (Map<String, Object> file : compose) {
            for (Map.Entry<String, Object> entry : map(file.get("services")).entrySet()) {
                Map<String, Object> def = map(entry.getValue());
                Map<String, String> env = composeEnv(def.get("environment"));
                String key = env.get("MP_JWT_VERIFY_PUBLICKEY_LOCATION");
                assertNotNull(key, entry.getKey() + ": no MP_JWT_VERIFY_PUBLICKEY_LOCATION");
                String dir = Path.of(key).getParent().toString();
                assertTrue(list(def.get("volumes")).stream().map(String::valueOf)
                        .anyMatch(v -> v.endsWith(":" + dir + ":ro")), entry.getKey() + ": key not mounted read-only");
            }
        }
    }

    @Test
    void composeHealthchecksAnswer200OnTheServicePortAndTlsIsMountedReadOnly() {
        Pattern url = Pattern.compile("https?://[^/\\s:]+:(\\d+)(/\\S*)");
        for (Map<String, Object> file : compose) {
            for (Map.Entry<String, Object> entry : map(file.get("services")).entrySet()) {
                String service = entry.getKey();
                Map<String, Object> def = map(entry.getValue());
                Map<String, String> env = composeEnv(def.get("environment"));
                int port = Integer.parseInt(env.get("PORT"));
                assertTrue(list(def.get("ports")).stream().map(p -> str(p).replaceAll("/.*", ""))
                        .anyMatch(p -> p.endsWith(":" + port)), service + ": PORT " + port + " is not published");
                Object test = map(def.get("healthcheck")).get("test");
                String command = test instanceof List<?> l
                        ? l.stream().map(String::valueOf)
                                .collect(Collectors.joining(" "))
                        : str(test);
                assertNotNull(command, service + ": no healthcheck");
                Matcher m = url.matcher(command);
                assertTrue(m.find(), service + ": no URL in healthcheck " + command);
                do {
                    assertEquals(port, Integer.parseInt(m.group(1)), service + ": healthcheck port");
                    assertUp(service + " healthcheck", m.group(2));
                } while (m.find());
                List<String> volumes = list(def.get("volumes")).stream().map(String::valueOf).toList();
                assertTrue(volumes.stream().anyMatch(v -> v.matches("[A-Za-z0-9_-]+:" + env.get("FILES_DIR"))),
                        service + ": the store is not a named volume at FILES_DIR: " + volumes);
                if ("h2".equals(env.get("RUN_MODE"))) {
                    for (String key : List.of("TLS_KEY", "TLS_CERT")) {
                        String dir = Path.of(env.get(key)).getParent().toString();
                        assertTrue(volumes.stream().anyMatch(v -> v.endsWith(":" + dir + ":ro")),
                                service + ": " + key + " is not under a read-only mount");
                    }
                }
            }
        }
        assertTrue(composeServices().values().stream()
                .map(s -> composeEnv(map(s).get("environment")).get("RUN_MODE")).collect(Collectors.toSet())
                .containsAll(List.of("h2c", "h2")), "compose needs an h2c and a TLS (RUN_MODE=h2) variant");
    }

    @Test
    void dockerfilesAgreeWithTheManifests() throws IOException {
        Pod pod = pods.get(0);
        Object uid = map(pod.spec().get("securityContext")).get("runAsUser");
        for (Path dockerfile : DOCKERFILES) {
            Dockerfile d = Dockerfile.parse(dockerfile);
            String name = dockerfile.getFileName().toString();
            assertEquals(String.valueOf(pod.port()), d.env.get("PORT"), name + " ENV PORT vs the Deployment");
            assertTrue(d.expose.contains(d.env.get("PORT")), name + " EXPOSE " + d.expose + " lacks ENV PORT");
            assertEquals(pod.env().get("FILES_DIR"), d.env.get("FILES_DIR"), name + " ENV FILES_DIR");
            assertTrue(d.volumes.contains(d.env.get("FILES_DIR")), name + " VOLUME " + d.volumes);
            assertEquals("h2c", d.env.get("RUN_MODE"), name);
            assertTrue(d.env.containsKey("THREADS") && d.env.containsKey("TLS_KEY") && d.env.containsKey("TLS_CERT"),
                    name + " ENV lacks THREADS/TLS_KEY/TLS_CERT");
            assertTrue(d.user.matches("[1-9][0-9]*"), name + " must end on a numeric non-root USER: " + d.user);
            assertEquals(String.valueOf(uid), d.user, name + " USER vs the Deployment's runAsUser");
        }
        for (Object service : composeServices().values()) {
            Map<String, Object> build = map(map(service).get("build"));
            Path context = DEPLOY.resolve(str(build.get("context"))).normalize();
            assertEquals(REPO, context, "compose build context must be the repository root");
            assertTrue(Files.isRegularFile(context.resolve(str(build.get("dockerfile")))), "compose dockerfile");
        }
    }

    @Test
    void dashboardQueriesNameMetricsTheServiceExports() throws IOException {
        given().get("/files").then().statusCode(200);
        given().multiPart("file", "bad/name", new byte[] { 1 }).post("/files").then().statusCode(400);
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Set<String> exported = new TreeSet<>();
        Matcher sample = Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)").matcher(metrics);
        while (sample.find()) {
            exported.add(sample.group(1));
        }
        List<Path> dashboards;
        try (Stream<Path> files = Files.list(DEPLOY.resolve("grafana"))) {
            dashboards = files.filter(p -> p.toString().endsWith(".json")).toList();
        }
        assertFalse(dashboards.isEmpty(), "no dashboard under deploy/grafana");
        Set<String> used = new LinkedHashSet<>();
        for (Path dashboard : dashboards) {
            List<String> exprs = new ArrayList<>();
            new ObjectMapper().readTree(dashboard.toFile()).findValues("expr").stream().map(JsonNode::asText)
                    .forEach(exprs::add);
            assertFalse(exprs.isEmpty(), dashboard + ": no queries");
            Matcher m = Pattern.compile("\\b(?:h2fs|http_server)_[a-z0-9_]+").matcher(String.join("\n", exprs));
            while (m.find()) {
                used.add(m.group());
            }
        }
        // A missing name is a typo or a renamed meter.
        List<String> missing = used.stream().filter(n -> !exported.contains(n)).toList();
        assertTrue(missing.isEmpty(), "dashboard queries meters the service does not export: " + missing);
    }

    private static void assertUp(String where, String path) {
        Response response = given().get(path);
        assertEquals(200, response.statusCode(), where + ": GET " + path);
        assertEquals("UP", response.jsonPath().getString("status"), where + ": GET " + path);
    }

    /** {@code h2fs.transport.drain-timeout} as the application sees it, or its announced default. */
    private static Duration drainTimeout() {
        return ConfigProvider.getConfig().getOptionalValue("h2fs.transport.drain-timeout", Duration.class)
                .orElse(DEFAULT_DRAIN_TIMEOUT);
    }

    private static long preStopSeconds(Map<String, Object> preStop) {
        if (preStop.containsKey("sleep")) {
            return ((Number) map(preStop.get("sleep")).get("seconds")).longValue();
        }
        String command = String.join(" ", list(map(preStop.get("exec")).get("command")).stream()
                .map(String::valueOf).toList());
        Matcher m = Pattern.compile("\\bsleep\\s+(\\d+)").matcher(command);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static Duration composeDuration(String value) {
        Matcher m = Pattern.compile("(\\d+)(ms|s|m|h)").matcher(value);
        Duration total = Duration.ZERO;
        while (m.find()) {
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            });
        }
        return total;
    }

    private static Map<String, Object> composeServices() {
        Map<String, Object> services = new LinkedHashMap<>();
        compose.forEach(file -> services.putAll(map(file.get("services"))));
        return services;
    }

    private static Pod selected(Map<String, String> selector, Map<String, Object> by) {
        assertFalse(selector.isEmpty(), name(by) + ": empty selector");
        return pods.stream().filter(p -> p.labels().entrySet().containsAll(selector.entrySet())).findFirst()
                .orElseGet(() -> fail(by.get("kind") + " " + name(by) + ": selector " + selector + " selects no pod"));
    }

    private static Set<Integer> containerPorts(Pod pod) {
        return list(pod.container().get("ports")).stream().map(p -> (Integer) map(p).get("containerPort"))
                .collect(Collectors.toSet());
    }

    private static Map<String, String> composeEnv(Object environment) {
        if (environment instanceof List<?> entries) {
            Map<String, String> env = new LinkedHashMap<>();
            entries.stream().map(String::valueOf).map(e -> e.split("=", 2)).forEach(kv -> env.put(kv[0], kv[1]));
            return env;
        }
        return stringMap(environment);
    }

    private static String name(Map<String, Object> doc) {
        return str(map(doc.get("metadata")).get("name"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> ? (Map<String, Object>) o : new LinkedHashMap<>();
    }

    private static List<?> list(Object o) {
        return o instanceof List<?> l ? l : List.of();
    }

    private static String str(Object o) {
        return o == null ? null : String.valueOf(o);
    }

    private static Map<String, String> stringMap(Object o) {
        Map<String, String> m = new LinkedHashMap<>();
        map(o).forEach((k, v) -> m.put(k, str(v)));
        return m;
    }

    /** The instructions of a Dockerfile the checks need: the final ENV values, EXPOSE, VOLUME and the last USER. */
    private static final class Dockerfile {
        final Map<String, String> env = new LinkedHashMap<>();
        final Set<String> expose = new LinkedHashSet<>();
        final Set<String> volumes = new LinkedHashSet<>();
        String user = "";

        static Dockerfile parse(Path file) throws IOException {
            assertTrue(Files.isRegularFile(file), file + " is missing");
            Dockerfile d = new Dockerfile();
            // Comment lines are dropped before continuations are joined, as Docker does.
            String joined = Files.readAllLines(file).stream().filter(l -> !l.strip().startsWith("#"))
                    .collect(Collectors.joining("\n")).replaceAll("\\\\\\s*\n", " ");
            for (String line : joined.split("\n")) {
                String[] words = line.strip().split("\\s+", 2);
                if (words.length < 2) {
                    continue;
                }
                switch (words[0].toUpperCase()) {
                    case "ENV" -> d.parseEnv(words[1]);
                    case "EXPOSE" -> List.of(words[1].split("\\s+"))
                            .forEach(p -> d.expose.add(p.replaceAll("/.*", "")));
                    case "VOLUME" -> List.of(words[1].replaceAll("[\\[\\]\",]", " ").strip().split("\\s+"))
                            .forEach(d.volumes::add);
                    case "USER" -> d.user = words[1].strip().split(":")[0];
                    default -> {
                    }
                }
            }
            return d;
        }

        /** {@code KEY=value KEY2="a b"} pairs, or the legacy single {@code KEY value} form. */
        private void parseEnv(String args) {
            Matcher pair = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"(?:[^\"\\\\]|\\\\.)*\"|\\S*)").matcher(args);
            boolean any = false;
            while (pair.find()) {
                any = true;
                env.put(pair.group(1), pair.group(2).replaceAll("^\"|\"$", ""));
            }
            if (!any) {
                String[] kv = args.strip().split("\\s+", 2);
                env.put(kv[0], kv.length > 1 ? kv[1] : "");
            }
        }
    }
}
