#!/usr/bin/env python3
"""bench/budget.py: a per-request CPU budget by layer, from collapsed stacks (async-profiler `collapsed`).

    bench/budget.py --req-per-s R1,R2 [--cpu-pct 100] NAME=FILE.collapsed [NAME=FILE.collapsed ...]

Each sample is charged to the layer of the frame it was taken in (self time): the kernel, TLS, the HTTP/2 codec,
HPACK, the HTTP/1.1 codec, buffers and promises, the rest of Netty, Vert.x, RESTEasy Reactive, Quarkus, metrics
(Micrometer, Prometheus), ours
(dev.h2fs), the JDK, GC and the rest of the JVM. With the server's req/s and CPU share over the profiled run, a
layer's share becomes µs per request. Prints a markdown table, one column per file. Standard library only.
"""
import argparse
import collections

LAYERS = [
    "kernel", "TLS", "HTTP/2 codec", "HPACK", "HTTP/1.1 codec", "buffers, promises", "Netty (pipeline, loop)",
    "Vert.x", "RESTEasy Reactive", "Quarkus", "metrics", "ours (dev.h2fs)", "JDK", "GC", "JVM, JIT, other",
]


def layer(frames):
    stack = ";".join(frames)
    if "GCTaskThread" in stack or "Scavenge" in stack or "ParallelGC" in stack or "G1" in stack.split(";")[0]:
        return "GC"
    top = frames[-1]
    if top.endswith("_[k]"):
        return "kernel"
    t = top.replace(".", "/")
    if "tcnative" in top or "libcrypto" in top or "libssl" in top:
        return "TLS"  # OpenSSL inside netty-tcnative's library (its symbols are not resolved)
    if t.startswith(("io/prometheus/", "io/micrometer/")):
        return "metrics"
    if t.startswith(("io/netty/handler/ssl", "sun/security/ssl", "io/netty/internal/tcnative", "com/sun/crypto",
                     "sun/security/provider")) or top.startswith(("EVP_", "aes", "ssl", "SSL_", "tls", "CRYPTO_",
                                                                   "gcm", "sha", "ossl")):
        return "TLS"
    if t.startswith("io/netty/handler/codec/http2/Hpack"):
        return "HPACK"
    if t.startswith("io/netty/handler/codec/http2/"):
        return "HTTP/2 codec"
    if t.startswith("io/netty/handler/codec/http/"):
        return "HTTP/1.1 codec"
    if t.startswith(("io/netty/buffer", "io/netty/util/Recycler", "io/netty/util/internal/ReferenceCount",
                     "io/netty/util/concurrent/DefaultPromise", "io/netty/channel/DefaultChannelPromise",
                     "io/netty/util/AbstractReferenceCounted")):
        return "buffers, promises"
    if t.startswith("io/netty/"):
        return "Netty (pipeline, loop)"
    if t.startswith("io/vertx/"):
        return "Vert.x"
    if t.startswith("org/jboss/resteasy/"):
        return "RESTEasy Reactive"
    if t.startswith(("io/quarkus/", "io/smallrye/", "io/opentelemetry/")):
        return "Quarkus"
    if t.startswith("dev/h2fs/"):
        return "ours (dev.h2fs)"
    if t.startswith(("java/", "jdk/", "sun/")):
        return "JDK"
    return "JVM, JIT, other"


def budget(path):
    counts = collections.Counter()
    for line in open(path, encoding="utf-8", errors="replace"):
        stack, _, n = line.rstrip("\n").rpartition(" ")
        if stack and n.isdigit():
            counts[layer(stack.split(";"))] += int(n)
    return counts


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--req-per-s", required=True,
                    help="the server's req/s over each profiled run, comma-separated in the files' order")
    ap.add_argument("--cpu-pct", default="100", help="the server's CPU % over each run, comma-separated")
    ap.add_argument("files", nargs="+", metavar="NAME=FILE")
    args = ap.parse_args()
    rates = [float(v) for v in args.req_per_s.split(",")]
    cpus = [float(v) for v in args.cpu_pct.split(",")]
    names, columns = [], []
    for i, spec in enumerate(args.files):
        name, _, path = spec.partition("=")
        rps = rates[min(i, len(rates) - 1)]
        cpu = cpus[min(i, len(cpus) - 1)]
        counts = budget(path)
        total = sum(counts.values()) or 1
        us = 1e6 * cpu / 100 / rps
        names.append(name)
        columns.append({k: v / total * us for k, v in counts.items()} | {"total": us})
    print("| layer | " + " | ".join(names) + " |")
    print("|---|" + "---:|" * len(names))
    for row in LAYERS + ["total"]:
        cells = [f"{c.get(row, 0):.2f}" for c in columns]
        label = f"**{row}**" if row == "total" else row
        print(f"| {label} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
