#!/usr/bin/env python3
"""bench/report.py: bench/run's hyperfine JSON and RSS samples -> bench.md
and bench.svg.  Medians over every run of every round; ratios to bare."""
import glob
import json
import os
import statistics
import sys
from xml.sax.saxutils import escape

WHAT = {
    "true": "/bin/true",
    "identify": "identify, 70x46 PNG",
    "resize": "convert 12 MP JPEG -resize 1280x1280>",
    "loop200": "200 identify calls in a row",
    "syscalls": "dd bs=1 count=100000 (200k syscalls)",
}


def load_times(jdir):
    times = {}
    for f in sorted(glob.glob(os.path.join(jdir, "*.json"))):
        for r in json.load(open(f))["results"]:
            work, launcher = r["command"].split("/", 1)
            times.setdefault(work, {}).setdefault(launcher, []).extend(r["times"])
    return times


def quantile(times, q):
    """The q-quantile (0.5: the median) of every run, in ms."""
    return {w: {l: (statistics.median(t) if q == 0.5 else sorted(t)[int(q * (len(t) - 1))]) * 1000
                for l, t in d.items()} for w, d in times.items()}


def load_rss(path):
    """{launcher: (largest process, all processes)} in MB, medians of the samples."""
    kb = {}
    for line in open(path):
        l, largest, total = line.split()
        if int(largest) > 0:
            kb.setdefault(l, []).append((int(largest), int(total)))
    return {l: (statistics.median(a for a, _ in v) / 1024,
                statistics.median(b for _, b in v) / 1024) for l, v in kb.items()}


def fmt_ms(ms):
    return f"{ms:.0f} ms" if ms >= 100 else f"{ms:.2f} ms"


def table(med, names, labels, order, rss=None):
    rows = ["| workload | " + " | ".join(labels[n] for n in names) + " |",
            "|---|" + "---:|" * len(names)]
    for w in order:
        base = med[w]["bare"]
        cells = []
        for n in names:
            ms = med[w].get(n)
            if ms is None:
                cells.append("—")
            elif n == "bare":
                cells.append(fmt_ms(ms))
            else:
                cells.append(f"{fmt_ms(ms)} ({ms / base:.2f}×, {ms - base:+.2f})")
        rows.append(f"| {WHAT.get(w, w)} | " + " | ".join(cells) + " |")
    if rss is not None:
        for i, what in enumerate(("launcher peak RSS, largest process",
                                  "launcher peak RSS, its processes summed")):
            rows.append(f"| {what} | " + " | ".join(
                f"{rss[n][i]:.2f} MB" if n in rss else "—" for n in names) + " |")
    return "\n".join(rows) + "\n"


def markdown(times, rss, names, labels, order, meta):
    kernel, cpus, version, command, rounds, workfs = meta
    return (
        f"Measured by `{command}` with {version} on Linux {kernel}, {cpus} CPUs: "
        f"wall time over {rounds} interleaved rounds of `hyperfine -N`, with the "
        "ratio to bare and the milliseconds added. Peak RSS is VmHWM of the launcher's "
        "processes while they supervise `sleep`, the program itself left out: the "
        "largest one (landjail's supervisor), and all of them summed (landjail's reaper "
        "and supervisor, bwrap's two processes); for bare and the kernel sandboxer, "
        "which exec the program, it is the program's own. The work directory is on "
        f"{workfs}.\n\n"
        "Median of all runs:\n\n" + table(quantile(times, 0.5), names, labels, order, rss)
        + "\nThe fastest 10 % (10th percentile), less moved by other load on the "
        "machine:\n\n" + table(quantile(times, 0.1), names, labels, order))


def svg(med, names, labels, order, title):
    """One panel per workload: a bar per launcher, its length the ratio to bare."""
    bar, gap, left, width = 16, 4, 150, 420
    colours = ["#888888", "#1f77b4", "#2a9df4", "#0b3d91", "#d62728", "#ff7f0e",
               "#9467bd", "#2ca02c"]
    parts = [f'<text x="4" y="16" font-size="13" font-weight="bold">{escape(title)}</text>']
    y = 28
    for w in order:
        present = [n for n in names if n in med[w]]
        base = med[w]["bare"]
        top = max(med[w][n] / base for n in present)
        parts.append(f'<text x="4" y="{y + 12}" font-weight="bold">{escape(WHAT.get(w, w))}'
                     f' (bare {escape(fmt_ms(base))})</text>')
        y += 18
        for n in present:
            r = med[w][n] / base
            length = max(1, width * r / top)
            colour = colours[names.index(n) % len(colours)]
            parts.append(f'<text x="{left - 6}" y="{y + 12}" text-anchor="end">'
                         f'{escape(labels[n])}</text>')
            parts.append(f'<rect x="{left}" y="{y}" width="{length:.1f}" height="{bar}" '
                         f'fill="{colour}"/>')
            parts.append(f'<text x="{left + length + 4:.1f}" y="{y + 12}">{r:.2f}×</text>')
            y += bar + gap
        y += 10
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 70}" '
            f'height="{y}" font-family="sans-serif" font-size="11">'
            f'<rect width="100%" height="100%" fill="white"/>' + "".join(parts) + "</svg>\n")


def main():
    (jdir, rss_file, out, label_spec, order, rounds, kernel, cpus, version, command,
     workfs) = sys.argv[1:]
    labels = dict(kv.split("=", 1) for kv in label_spec.strip(";").split(";"))
    names = list(labels)
    order = order.split()
    times = load_times(jdir)
    rss = load_rss(rss_file)
    meta = (kernel, cpus, version, command, rounds, workfs)
    with open(os.path.join(out, "bench.md"), "w") as f:
        f.write(markdown(times, rss, names, labels, order, meta))
    with open(os.path.join(out, "bench.svg"), "w") as f:
        f.write(svg(quantile(times, 0.1), names, labels, order,
                    "Time as a multiple of a bare exec (10th percentile of "
                    f"{rounds} interleaved rounds)"))


main()
