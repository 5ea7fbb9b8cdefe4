# Generates pyyaml-cases.json: random values dumped by PyYAML in several styles (block, flow,
# narrow widths that fold long scalars across lines, every quoting style), each with the value
# PyYAML reads back. The YAML tests check that YAMLReader reads every text to the same value.
# Run once with: python3 generate_pyyaml_cases.py  (PyYAML 6; not needed to run the tests).
import json, random, yaml

WORDS = ["a", "web", "x-y", " ", ":", ": ", "#", " #", "-", "'", '"', "\\", "\n", "\n\n", "\t", "é", "✓",
         "true", "no", "null", "~", "1", "0x1F", "1.5", "0644", "[", "]", "{", "}", ",", "&a", "*a", "!",
         "|", ">", "%", "@", "`", "---", "...", "<<", "=", "long words that wrap around", "  lead", "trail  "]
NUMBERS = [0, -1, 42, 7, 3.25, -0.5, 1000.0, 12345678901234567890]

def text(r):
    return "".join(r.choice(WORDS) for _ in range(r.randrange(6)))

def value(r, depth):
    k = r.randrange(5 if depth >= 4 else 8)
    if k == 0: return None
    if k == 1: return r.random() < 0.5
    if k == 2: return r.choice(NUMBERS)
    if k in (3, 4): return text(r)
    if k == 5: return [value(r, depth + 1) for _ in range(r.randrange(4))]
    out = {}
    for _ in range(r.randrange(5)):
        out[text(r)] = value(r, depth + 1)
    return out

class Loader(yaml.SafeLoader):
    pass
Loader.yaml_implicit_resolvers = {k: [(t, x) for (t, x) in v if t != 'tag:yaml.org,2002:timestamp']
                                  for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}

def ok(v):
    # JSON keys must be strings; PyYAML keeps other scalar keys, so skip such values.
    if isinstance(v, dict):
        return all(isinstance(k, str) for k in v) and all(ok(x) for x in v.values())
    if isinstance(v, list):
        return all(ok(x) for x in v)
    return True

r = random.Random(20261123)
cases = []
styles = [dict(default_flow_style=False), dict(default_flow_style=True), dict(default_flow_style=None),
          dict(default_flow_style=False, width=20), dict(default_flow_style=True, width=15),
          dict(default_flow_style=False, default_style="'"), dict(default_flow_style=False, default_style='"', width=25),
          dict(default_flow_style=False, default_style="|"), dict(default_flow_style=False, default_style=">", width=20),
          dict(default_flow_style=False, indent=4), dict(default_flow_style=False, explicit_start=True, explicit_end=True),
          dict(canonical=True), dict(default_flow_style=False, version=(1, 1)), dict(default_flow_style=False, line_break="\r\n")]
while len(cases) < 800:
    v = value(r, 0)
    if isinstance(v, list) and v and isinstance(v[0], (list, dict)) and r.random() < 0.5:
        v.append(v[0])  # a shared node: PyYAML writes an anchor and an alias
    style = styles[len(cases) % len(styles)]
    try:
        text_out = yaml.safe_dump(v, allow_unicode=True, sort_keys=False, **style)
        back = yaml.load(text_out, Loader=Loader)
    except Exception:
        continue
    if back is None or not ok(back):
        continue
    cases.append({"yaml": text_out, "value": back})
with open("pyyaml-cases.json", "w") as f:
    json.dump(cases, f, ensure_ascii=False, indent=0)
    f.write("\n")
print(len(cases))
