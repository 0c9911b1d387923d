#!/usr/bin/env python3
"""bench/flamegraph.py: an SVG flame graph from collapsed stacks (async-profiler's `collapsed` output).

    bench/flamegraph.py IN.collapsed OUT.svg [--title T] [--per-request-us US] [--min-pct 0.1]

One box per frame, as wide as its share of the samples; hover shows the frame, its share and, with
--per-request-us (the server's µs per request, from req/s at 100 % of its core), its µs per request.
Colours: kernel frames ([k]) orange, Java green, native and JVM frames red. Standard library only, so the
SVG can be made on any machine that has the collapsed file.
"""
import argparse
import html


def parse(path):
    root = {"name": "all", "value": 0, "children": {}}
    for line in open(path, encoding="utf-8", errors="replace"):
        line = line.rstrip("\n")
        if not line:
            continue
        stack, _, count = line.rpartition(" ")
        try:
            n = int(count)
        except ValueError:
            continue
        root["value"] += n
        node = root
        for frame in stack.split(";"):
            child = node["children"].get(frame)
            if child is None:
                child = {"name": frame, "value": 0, "children": {}}
                node["children"][frame] = child
            child["value"] += n
            node = child
    return root


def colour(name):
    h = sum(ord(c) for c in name) % 40
    if name.endswith("_[k]"):
        return f"rgb({215 + h // 3},{120 + h},{40})"
    if "/" in name or "." in name and not name.startswith("["):
        return f"rgb({60 + h},{170 + h // 2},{60 + h})"
    return f"rgb({210 + h // 2},{70 + h},{60 + h // 2})"


def short(name):
    if name.endswith("_[k]"):
        return name[:-4]
    return name.replace("/", ".")


def depth_of(node):
    return 1 + max((depth_of(c) for c in node["children"].values()), default=0)


def render(root, title, per_request_us, min_pct, width=1200, frame_h=16):
    total = root["value"] or 1
    depth = depth_of(root)
    top = 40
    height = top + depth * frame_h + 10
    min_value = total * min_pct / 100
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="Verdana, sans-serif" font-size="11">',
        f'<rect width="{width}" height="{height}" fill="#f8f8f8"/>',
        f'<text x="{width / 2}" y="20" text-anchor="middle" font-size="15">{html.escape(title)}</text>',
        f'<text x="10" y="34" font-size="10" fill="#555">{total} samples; width = share of CPU samples'
        + ("; hover: µs per request" if per_request_us else "") + "</text>",
    ]
    scale = (width - 20) / total

    def box(node, x, level):
        w = node["value"] * scale
        y = height - 10 - (level + 1) * frame_h
        pct = node["value"] * 100 / total
        label = short(node["name"])
        tip = f"{label} ({pct:.1f} %"
        if per_request_us:
            tip += f", {per_request_us * pct / 100:.2f} µs per request"
        tip += ")"
        out.append(f'<g><title>{html.escape(tip)}</title><rect x="{x:.1f}" y="{y}" width="{max(w - 0.5, 0.1):.1f}" '
                   f'height="{frame_h - 1}" fill="{colour(node["name"])}" rx="2"/>')
        chars = int((w - 6) / 6.5)
        if chars >= 3:
            text = label if len(label) <= chars else label[: chars - 2] + ".."
            out.append(f'<text x="{x + 3:.1f}" y="{y + frame_h - 4}">{html.escape(text)}</text>')
        out.append("</g>")
        cx = x
        for child in sorted(node["children"].values(), key=lambda c: c["name"]):
            if child["value"] >= min_value:
                box(child, cx, level + 1)
            cx += child["value"] * scale

    box(root, 10, 0)
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("collapsed")
    ap.add_argument("svg")
    ap.add_argument("--title", default="CPU flame graph")
    ap.add_argument("--per-request-us", type=float, default=None)
    ap.add_argument("--min-pct", type=float, default=0.1, help="frames narrower than this share are left out")
    args = ap.parse_args()
    root = parse(args.collapsed)
    with open(args.svg, "w", encoding="utf-8") as f:
        f.write(render(root, args.title, args.per_request_us, args.min_pct))


if __name__ == "__main__":
    main()
