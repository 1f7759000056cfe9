#!/usr/bin/env python3
"""The closing report of ./quickstart test: one table over every meson test
run, from meson's testlog.json files.

    ci-report.py [--strict] [--allow FILE] LABEL=TESTLOG.json...

For each run (LABEL: the build tree, e.g. "build" or "build-asan") and each
suite it prints the tests run, the TAP subtests passed, skipped (with their
reasons) and failed.  With --strict (what CI uses) a skip is a failure unless
a line of the allow-list FILE matches it:

    TEST-GLOB | REASON-REGEX | why this skip is acceptable

TEST-GLOB matches "RUN/TEST" ("build-asan/kernels", "*/fs-nobody"), REASON-REGEX
(Python re.search) the skip's reason as the test printed it.  Every entry
must say why.  The last line is "N passed, N failed" (subtests).
"""
import fnmatch
import json
import re
import sys

TAP_LINE = re.compile(r'^(not ok|ok)\b[^#]*(?:#\s*(SKIP|TODO)\S*\s*(.*))?$', re.I)
TAP_SKIP_ALL = re.compile(r'^1\.\.0\s*#\s*SKIP\S*\s*(.*)$', re.I)


def load_allow(path):
    """The allow-list: (glob, compiled regex, reason) for each entry."""
    entries = []
    with open(path) as f:
        for number, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            parts = [p.strip() for p in line.split('|')]
            if len(parts) != 3 or not all(parts):
                sys.exit(f'{path}:{number}: want "TEST-GLOB | REASON-REGEX | why"')
            entries.append((parts[0], re.compile(parts[1]), parts[2]))
    return entries


def parse_tap(stdout):
    """(passed, failed, [skip reasons]) of one test's TAP output."""
    passed, failed, skips = 0, 0, []
    for line in stdout.splitlines():
        line = line.strip()
        whole = TAP_SKIP_ALL.match(line)
        if whole:
            skips.append(whole.group(1) or '(no reason given)')
            continue
        m = TAP_LINE.match(line)
        if not m:
            continue
        status, directive, reason = m.group(1).lower(), (m.group(2) or '').upper(), m.group(3)
        if directive == 'SKIP':
            skips.append(reason or '(no reason given)')
        elif status == 'ok':
            passed += 1
        elif directive != 'TODO':
            failed += 1
    return passed, failed, skips


def test_name(full):
    """'landjail:suite / name' -> (suite, name)."""
    head, _, name = full.partition(' / ')
    return head.partition(':')[2] or head, name or full


def allowed(entries, name, reason):
    return any(fnmatch.fnmatchcase(name, glob) and rx.search(reason) for glob, rx, _ in entries)


def collect(label, path, entries):
    """Rows per (label, suite) and the list of problems found in this log."""
    rows, problems = {}, []
    with open(path) as f:
        results = [json.loads(line) for line in f if line.strip()]
    for r in results:
        suite, name = test_name(r['name'])
        passed, failed, skips = parse_tap(r.get('stdout') or '')
        row = rows.setdefault((label, suite), {'tests': 0, 'passed': 0, 'failed': 0, 'skips': []})
        row['tests'] += 1
        row['passed'] += passed
        row['failed'] += failed
        if r['result'] not in ('OK', 'SKIP', 'EXPECTEDFAIL') and failed == 0:
            row['failed'] += 1  # a crash, a timeout or a bad exit status
            problems.append(f'{label}: {name}: {r["result"]}')
        elif failed:
            problems.append(f'{label}: {name}: {failed} subtests failed')
        for reason in skips:
            ok = allowed(entries, f'{label}/{name}', reason)
            row['skips'].append((name, reason, ok))
            if not ok:
                problems.append(f'{label}: {name}: SKIP not on the allow-list: {reason}')
    return rows, problems


def print_table(rows):
    print(f'{"run":<11} {"suite":<12} {"tests":>5} {"passed":>7} {"skipped":>7} {"failed":>6}')
    for (label, suite), row in rows.items():
        print(f'{label:<11} {suite:<12} {row["tests"]:>5} {row["passed"]:>7} '
              f'{len(row["skips"]):>7} {row["failed"]:>6}')
        for name, reason, ok in row['skips']:
            mark = 'allowed' if ok else 'NOT ALLOWED'
            print(f'{"":<25}skip ({mark}) {name}: {reason}')


def main(argv):
    strict, allow, logs = False, None, []
    args = iter(argv)
    for a in args:
        if a == '--strict':
            strict = True
        elif a == '--allow':
            allow = next(args)
        else:
            label, _, path = a.partition('=')
            logs.append((label, path))
    entries = load_allow(allow) if allow else []
    rows, problems = {}, []
    for label, path in logs:
        r, p = collect(label, path, entries)
        rows.update(r)
        problems += p
    print_table(rows)
    passed = sum(r['passed'] for r in rows.values())
    failed = sum(r['failed'] for r in rows.values())
    skipped = sum(len(r['skips']) for r in rows.values())
    bad_skips = sum(1 for r in rows.values() for s in r['skips'] if not s[2])
    if strict:
        failed += bad_skips
    for p in problems:
        if strict or 'SKIP' not in p:
            print(f'FAILED: {p}')
    print(f'{passed} passed, {failed} failed, {skipped} skipped')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
