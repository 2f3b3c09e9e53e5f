#!/usr/bin/env bash
# Phase 0 quality gates as one command: zero-warning build, every test with line coverage per project
# (goal >= 80% on the services' Domain/ code, printed as measured), vulnerable-package audit, symbol policy.
set -uo pipefail
cd "$(dirname "$0")/.."
fail=0
source scripts/test-env.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

echo "== 1. build (warnings are errors)"
if dotnet build CypherScoping.sln -c Release -nologo -warnaserror -clp:Summary | tail -3; then echo "PASS build"; else echo "FAIL build"; fail=1; fi

echo "== 2. tests with coverage"
rm -rf coverage && mkdir -p coverage
if dotnet test CypherScoping.sln -c Release --no-build --nologo --collect:"XPlat Code Coverage" --results-directory coverage >coverage/test.log 2>&1; then
  echo "PASS tests"
else
  echo "FAIL tests (see coverage/test.log)"; fail=1
fi
grep -E '^(Passed|Failed)!' coverage/test.log || true
python3 - <<'PY'
import glob, xml.etree.ElementTree as ET, collections
hit = {}  # (package, file, line) -> covered by any test project
for report in glob.glob("coverage/**/coverage.cobertura.xml", recursive=True):
    for package in ET.parse(report).getroot().iter("package"):
        name = package.get("name")
        for cls in package.iter("class"):
            fn = cls.get("filename", "")
            for line in cls.iter("line"):
                key = (name, fn, line.get("number"))
                hit[key] = hit.get(key, False) or int(line.get("hits", "0")) > 0
totals = collections.defaultdict(lambda: [0, 0])
domain = collections.defaultdict(lambda: [0, 0])
for (name, fn, _), covered in hit.items():
    totals[name][1] += 1
    totals[name][0] += covered
    if "/Domain/" in fn.replace("\\", "/"):
        domain[name][1] += 1
        domain[name][0] += covered
print("line coverage per project (measured; goal >= 80% on services' Domain/):")
for name in sorted(totals):
    c, t = totals[name]
    d = domain.get(name)
    extra = f"   Domain/: {100*d[0]/d[1]:5.1f}% ({d[0]}/{d[1]})" if d and d[1] else ""
    print(f"  {name:40s} {100*c/max(t,1):5.1f}% ({c}/{t}){extra}")
PY

echo "== 3. vulnerable packages"
if out=$(dotnet list CypherScoping.sln package --vulnerable --include-transitive 2>&1); then
  echo "$out" | grep -E "has the following vulnerable|no vulnerable|>" | sort -u | head -40
  if echo "$out" | grep -q "has the following vulnerable packages"; then echo "FAIL vulnerable packages found"; fail=1; else echo "PASS no known vulnerable packages"; fi
else
  echo "UNKNOWN: the package feed could not answer the vulnerability query:"; echo "$out" | tail -5
fi

echo "== 4. symbol policy"
if scripts/cypher policy check; then echo "PASS policy"; else echo "FAIL policy"; fail=1; fi

exit $fail
