#!/usr/bin/env python3
"""bench/charts.py: SVG charts of one bench session's results (the harness's JSON files).

    bench/charts.py RESULTS_DIR [--out DIR] [--title T]

Writes OUT/req-per-core.svg (requests per second per server core: req/s divided by the server's CPU share)
and OUT/p99.svg (99th-percentile latency), one group of bars per load profile, one bar per server, each
labelled with its value and, beside the first server of the group (the reference: a peer when there is one),
its ratio to it. OUT defaults to RESULTS_DIR/charts. Standard library only.
"""
import argparse
import glob
import html
import json
import os

PALETTE = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f"]


def load(results):
    rows = []
    for path in sorted(glob.glob(os.path.join(results, "*.json"))):
        try:
            data = json.load(open(path))
        except (OSError, ValueError):
            continue
        summary = data.get("summary") or {}
        if "req_per_s" not in summary:
            continue
        cpu = summary.get("server_cpu_pct") or 0
        rows.append({
            "server": data.get("name", os.path.basename(path)),
            "profile": data.get("profile", "?"),
            "per_core": summary["req_per_s"] / (cpu / 100) if cpu > 0 else 0,
            "p99": summary.get("p99_ms", 0),
            "cpu": cpu,
            "client_cpu": summary.get("client_cpu_pct", 0),
        })
    return rows


def reference_first(servers):
    peers = [s for s in servers if not s.startswith("h2fs-")]
    return peers + [s for s in servers if s not in peers]


def chart(rows, key, unit, title, higher_is_better, fmt):
    profiles = sorted({r["profile"] for r in rows})
    servers = reference_first(sorted({r["server"] for r in rows}))
    colours = {s: PALETTE[i % len(PALETTE)] for i, s in enumerate(servers)}
    bar_h, gap, label_w, width = 18, 14, 250, 900
    plot_w = width - label_w - 170
    height = 60 + sum(len([r for r in rows if r["profile"] == p]) * bar_h + gap + 20 for p in profiles) + 10
    peak = max((r[key] for r in rows), default=1) or 1
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'font-family="Verdana, sans-serif" font-size="11">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="10" y="22" font-size="15">{html.escape(title)}</text>',
           f'<text x="10" y="40" font-size="10" fill="#555">{html.escape(unit)}; '
           f'{"higher" if higher_is_better else "lower"} is better; ratios against the first bar of each group; '
           f'CPU = server / h2load</text>']
    y = 60
    for profile in profiles:
        group = [r for r in rows if r["profile"] == profile]
        group.sort(key=lambda r: servers.index(r["server"]))
        out.append(f'<text x="10" y="{y + 12}" font-weight="bold">{html.escape(profile)}</text>')
        y += 20
        ref = group[0][key] or 1
        for r in group:
            w = r[key] / peak * plot_w
            out.append(f'<text x="{label_w - 6}" y="{y + 13}" text-anchor="end">{html.escape(r["server"])}</text>')
            out.append(f'<rect x="{label_w}" y="{y + 2}" width="{max(w, 1):.1f}" height="{bar_h - 4}" '
                       f'fill="{colours[r["server"]]}"/>')
            ratio = r[key] / ref
            out.append(f'<text x="{label_w + w + 6:.1f}" y="{y + 13}">{fmt(r[key])}  {ratio:.2f}x  '
                       f'<tspan fill="#777">CPU {r["cpu"]:.0f} / {r["client_cpu"]:.0f} %</tspan></text>')
            y += bar_h
        y += gap
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("results")
    ap.add_argument("--out")
    ap.add_argument("--title", default="")
    args = ap.parse_args()
    rows = load(args.results)
    if not rows:
        raise SystemExit(f"bench/charts.py: no results in {args.results}")
    out = args.out or os.path.join(args.results, "charts")
    os.makedirs(out, exist_ok=True)
    title = args.title or os.path.basename(os.path.normpath(args.results))
    with open(os.path.join(out, "req-per-core.svg"), "w") as f:
        f.write(chart(rows, "per_core", "requests per second per server core", title + ": requests per server core",
                      True, lambda v: f"{v / 1000:,.1f}k"))
    with open(os.path.join(out, "p99.svg"), "w") as f:
        f.write(chart(rows, "p99", "p99 latency, ms", title + ": p99 latency", False, lambda v: f"{v:,.2f} ms"))
    print(f"charts in {out}")


if __name__ == "__main__":
    main()
