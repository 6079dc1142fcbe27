"""Agreement of `treaty lint --only redocly:recommended --format json` with `redocly lint
--extends recommended --format json`, per Redocly rule treaty has a `redocly:` alias for (read
from `treaty rules --format json`). Run by hand (not in CI):
    python3 bench/redocly_agreement.py SPEC_OR_DIR REDOCLY_JSON TREATY_JSON RULES_JSON
SPEC_OR_DIR is one JSON spec, or a folder of them (findings are then keyed by file name too);
each spec is JSON with one key per line (as `json.dump(indent=2)` writes it).

Redocly reports a JSON pointer, treaty a line. The spec (one JSON document) is scanned once to
give each line the pointer of the key or value that starts on it, so both sides become pointers.
The two tools point at different places of the same element for some rules (the operation's
`parameters` key or its method key, a list item or its `name`), so each finding is compared by
its subject: the operation (`#/paths/<path>/<method>`) when it is inside one, else the element
the rule reads (a path key, a component, a server, a schema's `enum`). Counts compare as
multisets: two findings in one operation need two on the other side."""
import collections
import json
import os
import re
import sys

METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|[{}\[\]\n]|[^\s,:{}\[\]"]+')


def line_pointers(text):
    """Line (1-based) -> pointer of the first key or value that starts on it, for a JSON text."""
    out = {}
    stack = []  # per open container: [kind, current key or index, expecting a key]
    line = 1

    def here():
        return "#" + "".join("/" + str(k).replace("~", "~0").replace("/", "~1") for _, k, _ in stack if k is not None)

    def value_starts():
        # A value starts here: in an array it takes the next index.
        if stack and stack[-1][0] == "a":
            stack[-1][1] = 0 if stack[-1][1] is None else stack[-1][1] + 1
        out.setdefault(line, here())
        if stack and stack[-1][0] == "o":
            stack[-1][2] = True

    for m in TOKEN.finditer(text):
        t = m.group()
        if t == "\n":
            line += 1
        elif t in "{[":
            value_starts()
            stack.append(["o" if t == "{" else "a", None, True])
        elif t in "}]":
            stack.pop()
        elif t[0] == '"' and stack and stack[-1][0] == "o" and stack[-1][2]:
            stack[-1][1] = json.loads(t)
            stack[-1][2] = False
            out.setdefault(line, here())
        else:
            value_starts()
    return out


def parts(pointer):
    p = pointer.lstrip("#")
    return [s.replace("~1", "/").replace("~0", "~") for s in p.split("/")[1:]] if p else []


def join(segments):
    return "#" + "".join("/" + s.replace("~", "~0").replace("/", "~1") for s in segments)


def subject(rule, pointer):
    """What a finding is about, as a pointer both tools can agree on."""
    seg = parts(pointer)
    if len(seg) >= 3 and seg[0] == "paths" and seg[2] in METHODS:
        return join(seg[:3])
    if len(seg) >= 2 and seg[0] == "paths":
        if rule in ("path-parameters-defined", "operation-parameters-unique") and len(seg) >= 4:
            return join(seg[:4])  # a path-level parameter item
        return join(seg[:2])
    if "enum" in seg:  # a schema's enum list, not the value inside it
        return join(seg[: seg.index("enum") + 1])
    if rule in ("no-unused-components",) and len(seg) >= 3:
        return join(seg[:3])
    if rule in ("no-server-trailing-slash", "no-undefined-server-variable", "no-server-variables-empty-enum") and len(seg) >= 2:
        return join(seg[:2])
    if rule in ("security-defined", "security-scopes-defined"):
        return join(seg[:2])
    if rule in ("tag-description", "no-duplicated-tag-names") and len(seg) >= 2:
        return join(seg[:2])  # the tag, not its (missing) field
    if rule == "no-empty-servers":
        return "#/servers"  # Redocly points at `openapi` when `servers` is absent
    return pointer


def operation_of(pointer):
    seg = parts(pointer)
    if len(seg) >= 3 and seg[0] == "paths" and seg[2] in METHODS:
        return f"{seg[2].upper()} {seg[1]}"
    return ""


def main():
    target, redocly_json, treaty_json, rules_json = sys.argv[1:5]
    folder = target if os.path.isdir(target) else os.path.dirname(target)
    pointers = {}  # file name -> line -> pointer, read when first needed

    def pointer_at(file, line):
        name = os.path.basename(file)
        if name not in pointers:
            pointers[name] = line_pointers(open(os.path.join(folder, name), encoding="utf-8").read())
        return pointers[name].get(line, f"line {line}")

    # Redocly writes one JSON document per spec, one after the other.
    redocly, text, at = [], open(redocly_json).read(), 0
    decoder = json.JSONDecoder()
    while text[at:].strip():
        doc, end = decoder.raw_decode(text, at + len(text[at:]) - len(text[at:].lstrip()))
        redocly.extend(doc["problems"])
        at = end
    treaty = json.load(open(treaty_json))["findings"]
    shared = collections.defaultdict(set)  # redocly rule -> treaty rules with its alias
    for doc in json.load(open(rules_json)):
        for a in doc["aliases"]:
            if a.startswith("redocly:") and "redocly:recommended" in doc["categories"]:
                shared[a[len("redocly:"):]].add(doc["id"])

    t_keys = collections.defaultdict(collections.Counter)
    t_examples = collections.defaultdict(dict)
    for f in treaty:
        for a in f.get("aliases", []):
            rule = a[len("redocly:"):]
            if a.startswith("redocly:") and f["rule"] in shared[rule]:
                key = (os.path.basename(f["file"]), subject(rule, pointer_at(f["file"], f["line"])))
                t_keys[rule][key] += 1
                t_examples[rule].setdefault(key, (f["line"], f["rule"], f["message"][:140]))
    r_keys = collections.defaultdict(collections.Counter)
    r_examples = collections.defaultdict(dict)
    all_redocly = collections.Counter(p["ruleId"] for p in redocly)
    for p in redocly:
        loc = p["location"][0]
        file = loc["source"]["ref"]
        line = loc.get("start", {}).get("line")
        ptr = loc.get("pointer") or pointer_at(file, line)
        key = (os.path.basename(file), subject(p["ruleId"], ptr))
        r_keys[p["ruleId"]][key] += 1
        r_examples[p["ruleId"]].setdefault(key, (line, p["message"][:140]))

    files = {k[0] for c in list(r_keys.values()) + list(t_keys.values()) for k in c}
    print(f"redocly findings: {len(redocly)} in {len(all_redocly)} rules; treaty findings: "
          f"{len(treaty)}; files with a finding of a shared rule: {len(files)}")
    print("per shared rule (treaty rules with its alias): redocly / found by treaty, "
          "treaty / confirmed by redocly")
    for rule in sorted(shared):
        r, t = r_keys[rule], t_keys[rule]
        both = r & t
        print(f"  {rule} ({', '.join(sorted(x.split('/', 1)[1] for x in shared[rule]))}): "
              f"redocly {sum(r.values())}, found by treaty {sum(both.values())}; "
              f"treaty {sum(t.values())}, confirmed by redocly {sum(both.values())}")
        for key in list((r - t).keys())[:3]:
            print(f"      only redocly: {key[0]} {key[1]} {operation_of(key[1])} {r_examples[rule][key]}")
        for key in list((t - r).keys())[:3]:
            print(f"      only treaty:  {key[0]} {key[1]} {operation_of(key[1])} {t_examples[rule][key]}")
    lacking = {r: n for r, n in sorted(all_redocly.items()) if r not in shared}
    print("redocly rules treaty has no alias for (findings):", lacking)


if __name__ == "__main__":
    main()
