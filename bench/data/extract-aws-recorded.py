"""
Extracts bench/data/aws-recorded.json from a checkout of localstack/localstack (Apache-2.0): every
execution history LocalStack recorded against AWS in tests/aws/services/stepfunctions/v2/**/*.snapshot.json
whose state machine is self-contained (no Resource anywhere: no Task, no ItemReader/ResultWriter), so that
the definition (tests/aws/services/stepfunctions/templates/**), the input (the recorded ExecutionStarted
event) and the outcome (the recorded last event) are all that is needed to replay it.

Usage: python3 bench/data/extract-aws-recorded.py LOCALSTACK_CHECKOUT COMMIT > bench/data/aws-recorded.json
Needs the json5 package (the templates are JSON5, as LocalStack's TemplateLoader reads them).

A test whose function edits the loaded template (subscript assignment, str.replace, f-string definitions)
or creates more than one state machine is left out: what ran on AWS is then not the template file.
"""

import ast
import glob
import json
import os
import re
import sys

import json5

ROOT = sys.argv[1]
COMMIT = sys.argv[2] if len(sys.argv) > 2 else "unknown"
SFN = os.path.join(ROOT, "tests/aws/services/stepfunctions")


def template_map():
    """(ClassName, ATTR) -> json5 path, from every templates/**/*.py."""
    out = {}
    for py in glob.glob(os.path.join(SFN, "templates/**/*.py"), recursive=True):
        folder = os.path.dirname(py)
        tree = ast.parse(open(py).read())
        for cls in [n for n in tree.body if isinstance(n, ast.ClassDef)]:
            for st in cls.body:
                target = st.target if isinstance(st, ast.AnnAssign) else (st.targets[0] if isinstance(st, ast.Assign) else None)
                value = getattr(st, "value", None)
                if not isinstance(target, ast.Name) or not isinstance(value, ast.Call):
                    continue
                parts = [a.value for a in value.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
                if parts and parts[-1].endswith((".json5", ".json")):
                    out[(cls.name, target.id)] = os.path.join(folder, *parts)
    return out


TEMPLATES = template_map()


def class_constants():
    """(ClassName, ATTR) -> literal value, for the template classes' other constants (JSONata strings, ...)."""
    out = {}
    for py in glob.glob(os.path.join(SFN, "templates/**/*.py"), recursive=True):
        for cls in [n for n in ast.parse(open(py).read()).body if isinstance(n, ast.ClassDef)]:
            for st in cls.body:
                target = st.target if isinstance(st, ast.AnnAssign) else (st.targets[0] if isinstance(st, ast.Assign) else None)
                if isinstance(target, ast.Name) and getattr(st, "value", None) is not None:
                    try:
                        out[(cls.name, target.id)] = ast.literal_eval(st.value)
                    except (ValueError, SyntaxError, TypeError):
                        pass
    return out


CONSTANTS = class_constants()


class TemplateClass:
    """A stand-in for a template class: its template paths and constants, and load_sfn_template."""

    def __init__(self, name):
        for (cls, attr), path in TEMPLATES.items():
            if cls == name:
                setattr(self, attr, path)
        for (cls, attr), value in CONSTANTS.items():
            if cls == name and not hasattr(self, attr):
                setattr(self, attr, value)

    @staticmethod
    def load_sfn_template(path):
        return json5.load(open(path))


# Names a test's template edits may use; any other (a fixture, a Lambda ARN) means the edit cannot be replayed.
FIXTURES = ("aws_client", "create_", "sfn_snapshot", "function_arn", "function_name", "_arn", "sqs", "sns", "s3", "lambda")


def replay_edits(fn, aliases, param):
    """
    The definition a parametrized test ran, when its edits to the loaded template are plain Python on
    literal parameters (`template["States"]["X"].update(expression_dict)`): the parametrize values and
    ids are read from the decorator, the edits replayed. None when that cannot be done faithfully.
    """
    decs = [d for d in fn.decorator_list if isinstance(d, ast.Call) and ast.unparse(d.func).endswith("parametrize")]
    if len(decs) != 1 or len(decs[0].args) < 2 or not isinstance(decs[0].args[1], (ast.List, ast.Tuple)):
        return None
    dec = decs[0]
    names_node = dec.args[0]
    if isinstance(names_node, ast.Constant) and isinstance(names_node.value, str):
        names = [n.strip() for n in names_node.value.split(",")]
    else:
        return None
    ns = {"json": json}
    for alias, cls in aliases.items():
        if any(c == cls for c, _ in TEMPLATES):
            ns[alias] = TemplateClass(cls)
    ids_kw = next((k.value for k in dec.keywords if k.arg == "ids"), None)
    id_list = [e.value for e in ids_kw.elts] if isinstance(ids_kw, (ast.List, ast.Tuple)) and all(isinstance(e, ast.Constant) for e in ids_kw.elts) else None
    chosen = None
    for i, elt in enumerate(dec.args[1].elts):
        pid = id_list[i] if id_list is not None and i < len(id_list) else None
        value_node = elt
        if isinstance(elt, ast.Call) and ast.unparse(elt.func).endswith("param"):
            pid = next((k.value.value for k in elt.keywords if k.arg == "id" and isinstance(k.value, ast.Constant)), pid)
            value_node = ast.Tuple(elts=elt.args, ctx=ast.Load()) if len(names) > 1 else elt.args[0]
        if pid == param:
            chosen = value_node
            break
    if chosen is None:
        return None
    try:
        value = eval(compile(ast.Expression(chosen), "<param>", "eval"), ns)
    except Exception:
        return None
    if len(names) > 1:
        if not isinstance(value, tuple) or len(value) != len(names):
            return None
        ns.update(zip(names, value))
    else:
        ns[names[0]] = value
    for st in fn.body:
        src = ast.unparse(st)
        if "create_and_" in src or "aws_client" in src:
            break
        if "template" not in src and "definition" not in src:
            continue
        if any(f in src for f in FIXTURES):
            return None
        try:
            exec(compile(ast.Module(body=[st], type_ignores=[]), "<test>", "exec"), ns)
        except Exception:
            return None
    if isinstance(ns.get("definition"), str):
        return json.loads(ns["definition"])
    return ns.get("template") if isinstance(ns.get("template"), dict) else None


def has_resource(node):
    if isinstance(node, dict):
        return any(k == "Resource" or has_resource(v) for k, v in node.items())
    if isinstance(node, list):
        return any(has_resource(v) for v in node)
    return False


def refs(node, aliases):
    found = []
    for n in ast.walk(node):
        if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name):
            cls = aliases.get(n.value.id, n.value.id)
            if (cls, n.attr) in TEMPLATES:
                found.append((cls, n.attr))
    return found


def edits_template(fn):
    src = ast.unparse(fn)
    if re.search(r"template\[[^\n]*\]\.(update|pop|append|setdefault)\(|del template", src):
        return True
    if ".replace(" in src or "definition = f" in src or 'definition = "' in src:
        return True
    for n in ast.walk(fn):
        if isinstance(n, (ast.Assign, ast.AugAssign)):
            targets = n.targets if isinstance(n, ast.Assign) else [n.target]
            if any(isinstance(t, ast.Subscript) for t in targets):
                return True
    return src.count("create_state_machine(") > 1


def param_ids(fn, aliases):
    """pytest id -> (Class, ATTR) from @pytest.mark.parametrize(..., [templates], ids=[...])."""
    out = {}
    for dec in fn.decorator_list:
        if not (isinstance(dec, ast.Call) and ast.unparse(dec.func).endswith("parametrize")):
            continue
        if len(dec.args) < 2 or not isinstance(dec.args[1], (ast.List, ast.Tuple)):
            continue
        values = dec.args[1].elts
        ids = next((k.value for k in dec.keywords if k.arg == "ids"), None)
        id_list = [e.value for e in ids.elts] if isinstance(ids, (ast.List, ast.Tuple)) and all(isinstance(e, ast.Constant) for e in ids.elts) else None
        for i, v in enumerate(values):
            r = refs(v, aliases)
            if len(r) != 1:
                continue
            if id_list is not None and i < len(id_list):
                out[str(id_list[i])] = r[0]
            out[r[0][1]] = r[0]
            out[os.path.basename(TEMPLATES[r[0]])] = r[0]
    return out


def functions(tree):
    for n in tree.body:
        if isinstance(n, ast.ClassDef):
            for m in n.body:
                if isinstance(m, ast.FunctionDef):
                    yield n.name, m
        elif isinstance(n, ast.FunctionDef):
            yield "", n


cases = []
replayed_edits = {}
skipped = {"no-template": 0, "edited": 0, "has-resource": 0}
for snap in sorted(glob.glob(os.path.join(SFN, "v2/**/*.snapshot.json"), recursive=True)):
    py = snap.replace(".snapshot.json", ".py")
    if not os.path.exists(py):
        continue
    tree = ast.parse(open(py).read())
    aliases = {}
    for n in ast.walk(tree):
        if isinstance(n, ast.ImportFrom):
            for a in n.names:
                aliases[a.asname or a.name] = a.name
    fns = {(c, f.name): f for c, f in functions(tree)}
    for key, rec in json.load(open(snap)).items():
        histories = [(k, v["events"]) for k, v in rec.get("recorded-content", {}).items() if isinstance(v, dict) and isinstance(v.get("events"), list)]
        if not histories:
            continue
        test = key.split("::")
        cls = test[1] if len(test) == 3 else ""
        name, _, param = test[-1].partition("[")
        param = param.rstrip("]")
        fn = fns.get((cls, name))
        if fn is None:
            skipped["no-template"] += len(histories)
            continue
        ids = param_ids(fn, aliases)
        ref = None
        for p in [param, *param.split("-")]:
            if p in ids:
                ref = ids[p]
                break
            tail = os.path.basename(p)
            if tail in ids:
                ref = ids[tail]
                break
        if ref is None:
            cands = set(refs(fn, aliases))
            if len(cands) == 1:
                ref = cands.pop()
        if ref is None:
            skipped["no-template"] += len(histories)
            continue
        template_name = os.path.relpath(TEMPLATES[ref], os.path.join(SFN, "templates"))
        if edits_template(fn):
            definition = replay_edits(fn, aliases, param)
            if definition is None:
                skipped["edited"] += len(histories)
                continue
            # The edited definition is its own entry, named after the template and the test's parameter.
            template_name = f"{template_name}[{param}]"
            replayed_edits[template_name] = definition
        else:
            definition = json5.load(open(TEMPLATES[ref]))
        if has_resource(definition):
            skipped["has-resource"] += len(histories)
            continue
        for hk, events in histories:
            started = next((e for e in events if e["type"] == "ExecutionStarted"), None)
            last = events[-1]
            # A history read in reverse, or an execution stopped from outside, is not a replayable outcome.
            if started is None or last["type"] not in ("ExecutionSucceeded", "ExecutionFailed", "ExecutionTimedOut"):
                continue
            t = last["type"]
            d = last.get("executionSucceededEventDetails") or last.get("executionFailedEventDetails") or {}
            expected = {"status": t.replace("Execution", "").upper()}
            if "output" in d:
                expected["output"] = d["output"]
            for f in ("error", "cause"):
                if f in d:
                    expected[f] = d[f]
            cases.append(
                {
                    "id": f"{os.path.relpath(py, os.path.join(SFN, 'v2'))}::{test[-1]}::{hk}",
                    "template": template_name,
                    "input": started["executionStartedEventDetails"].get("input", {}),
                    "expected": expected,
                    # The recorded history's event types, in order (run-specific details left out); null where
                    # LocalStack's snapshot rewrote the events (a Parallel's branches, whose order varies: ids "[0]").
                    "eventTypes": [e["type"] for e in events] if all(isinstance(e["id"], int) for e in events) else None,
                }
            )
defs = {}
for c in cases:
    p = c["template"]
    if p not in defs:
        defs[p] = replayed_edits[p] if p in replayed_edits else json5.load(open(os.path.join(SFN, "templates", p)))
json.dump(
    {
        "source": f"https://github.com/localstack/localstack/tree/{COMMIT}/tests/aws/services/stepfunctions",
        "licence": "Apache-2.0 (localstack/localstack LICENSE.txt); extracted by bench/data/extract-aws-recorded.py",
        "skipped": skipped,
        "definitions": defs,
        "cases": cases,
    },
    sys.stdout,
    separators=(",", ":"),
)
print(f"{len(cases)} cases, {len(defs)} definitions, skipped {skipped}", file=sys.stderr)
