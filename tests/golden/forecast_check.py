#!/usr/bin/env python3
"""Independent check of estate's capital forecast on two estates.

- tests/golden/forecast-estate/: a small hand-made estate that exercises every rule;
- tests/golden/sample-estate/: the sample estate as `estate demo` imports it from the supplier
  spreadsheets in data/sample/ (assets.csv is that register's assets; tests/forecast.rs checks
  the imported register still matches it).

Reads the same inputs the Rust tests load -- the shipped policy (data/policy/*.csv,
data/programme-lines.csv), the scenario files, and each estate's *.csv -- and works out the
five-year programme from the rules in issue 4, written out plainly here in Python with
`decimal` (no code shared with the engine). Since issue 17 it also applies the end-of-support
rule, from its statement in the issue and data/support/*.csv (see Support below). Writes one expected-<case>.txt per case;
tests/forecast.rs compares the engine's figures with them line by line.

Run from the repository root:  python3 tests/golden/forecast_check.py
"""

import csv
import datetime as dt
import io
import os
import tomllib
from decimal import Decimal, ROUND_HALF_UP, ROUND_FLOOR

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))
GOLDEN = os.path.join(ROOT, "tests", "golden")
ESTATE = os.path.join(GOLDEN, "forecast-estate")  # set per estate in main()
FIRST_YEAR = 2026  # 2026/27
YEARS = 5

# Class priority for levelling, as issue 4 lists it.
PRIORITY = ["server", "storage", "network", "desktop", "laptop", "thin_client", "mfd",
            "printer", "monitor", "tablet", "mobile", "other"]
LABEL = {"thin_client": "thin client", "mfd": "MFD"}


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        lines = [l for l in f if not l.lstrip().startswith("#")]
    return list(csv.DictReader(io.StringIO("".join(lines))))


def norm(text):
    """Case, spaces, hyphens, underscores and slashes folded (as estate matches models)."""
    out, sep = [], False
    for ch in (text or "").strip().lower():
        if ch in " -_/":
            if out and not sep:
                out.append("_")
            sep = True
        else:
            out.append(ch)
            sep = False
    s = "".join(out)
    return s.rstrip("_")


def fy(d):
    """The start year of the financial year containing date d."""
    return d.year if d.month >= 4 else d.year - 1


def fy_label(y):
    return f"{y}/{(y + 1) % 100:02d}"


def add_years(d, n):
    try:
        return d.replace(year=d.year + n)
    except ValueError:  # 29 February in a year without one
        return d.replace(year=d.year + n, day=28)


def money(d):
    return f"{d:.2f}"


def penny(x):
    return x.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def parse_rate(text):
    text = text.strip()
    assert text.endswith("%")
    return Decimal(text[:-1]) / 100


def parse_fy(text):
    return int(text[:4])


class Policy:
    def __init__(self):
        self.lives = {r["class"]: int(r["life_years"])
                      for r in read_csv(os.path.join(ROOT, "data/policy/lives.csv"))}
        self.prices = {}
        for r in read_csv(os.path.join(ROOT, "data/policy/prices.csv")):
            self.prices[(r["class"], norm(r["manufacturer"]), norm(r["model"]))] = \
                Decimal(r["unit_cost"])
        settings = {r["key"]: r["value"]
                    for r in read_csv(os.path.join(ROOT, "data/policy/settings.csv"))}
        self.base = parse_fy(settings["price_base"])
        self.inflation = parse_rate(settings["inflation"])
        self.joint_board = Decimal(settings["approval_threshold_joint_board"])
        self.strategy_group = Decimal(settings["approval_threshold_strategy_group"])
        self.model_lives = {}
        self.caps = None  # None, or {year: Decimal}
        self.lines = {}
        for r in read_csv(os.path.join(ROOT, "data/programme-lines.csv")):
            self.lines[r["class"]] = (int(r["line_order"]), r["line"])
        changes = os.path.join(ESTATE, "policy.csv")
        for r in (read_csv(changes) if os.path.exists(changes) else []):
            if r["kind"] == "model_life":
                self.model_lives[(norm(r["manufacturer"]), norm(r["model"]))] = int(r["value"])
            elif r["kind"] == "price":
                self.prices[(r["class"], norm(r["manufacturer"]), norm(r["model"]))] = \
                    Decimal(r["value"])

    def apply_scenario(self, path):
        with open(path, "rb") as f:
            s = tomllib.load(f)
        for cls, years in s.get("lives", {}).items():
            self.lives[cls] = years
        if "caps" in s:
            cap = Decimal(str(s["caps"]))
            self.caps = {FIRST_YEAR + i: cap for i in range(YEARS)}

    def life(self, a):
        if a["life_years"]:
            return int(a["life_years"])
        key = (norm(a["manufacturer"]), norm(a["model"]))
        if key in self.model_lives:
            return self.model_lives[key]
        return self.lives[a["class"]]

    def unit(self, a):
        key = (a["class"], norm(a["manufacturer"]), norm(a["model"]))
        if (key[1] or key[2]) and key in self.prices:
            return self.prices[key]
        return self.prices[(a["class"], "", "")]

    def cost(self, a, year):
        return penny(self.unit(a) * (1 + self.inflation) ** (year - self.base))


def read_fold(text):
    """Lowercase, with runs of spaces, hyphens, underscores, dots and slashes as one '-'."""
    out = []
    for ch in (text or "").strip().lower():
        if ch in " -_./":
            if out and out[-1] != "-":
                out.append("-")
        else:
            out.append(ch)
    return "".join(out).strip("-")


UNDATED_END = dt.date(1970, 1, 1)  # support ended, no date given: long before any horizon


def support_date(text):
    text = (text or "").strip()
    if not text:
        return None
    if text == "ended":
        return UNDATED_END
    return dt.date.fromisoformat(text)


class Support:
    """Issue 17's rule, from its statement:

    - what an asset runs is found in data/support/support.csv: its operating system names a
      product (the product's name, or a longer name ending with it as a word: "Microsoft Windows
      Server"), its version names a release cycle of that product (the cycle or label itself, or
      the start of one followed by a separator); the first such row in the file wins (newest
      first). Its model may name a device row (the label, or product + label). Where both match,
      the earlier security end is the one that counts;
    - its last supported day: a support end recorded on the asset, else the extended end where
      the policy says extended updates are bought for that release, else the security end;
    - a newer OS the hardware runs is an upgrade, not a replacement (data/support/upgrades.csv):
      Windows 10 on a processor on Windows 11's list, or a device whose model runs a later
      release; the kit is then replaced by age or by its hardware's own end, whichever is first;
    - for a class in `support_replaces`, the asset is due at the earlier of its age rule and its
      support end, compared by financial year: the year holding the last supported day (or the
      year before it with `support_replace_before`); on a tie the age rule stands.
    """

    def __init__(self):
        base = os.path.join(ROOT, "data", "support")
        settings = {r["key"]: r["value"] for r in read_csv(os.path.join(base, "settings.csv"))}
        self.replaces = set(settings["support_replaces"].split())
        self.before = settings["support_replace_before"].strip().lower() == "yes"
        self.extended = set()
        for part in settings["extended_support"].split(";"):
            name = part.split("=")[0].strip()
            if name:
                self.extended.add(read_fold(name))
        self.rows = read_csv(os.path.join(base, "support.csv"))
        for r in self.rows:
            r["security"] = support_date(r["security_support_end"])
            r["ext"] = support_date(r["extended_support_end"])
        self.upgrades = read_csv(os.path.join(base, "upgrades.csv"))
        self.processors = read_csv(os.path.join(base, "windows11-processors.csv"))

    @staticmethod
    def _names(version, r):
        for have in (read_fold(r["cycle"]), read_fold(r["label"])):
            if have == version or have.startswith(version + "-"):
                return True
        return False

    def release(self, os_name, version):
        o, v = read_fold(os_name), read_fold(version)
        if not o or not v:
            return None
        for r in self.rows:
            if r["kind"] == "device":
                continue
            p = read_fold(r["product"])
            if (o == p or o.endswith("-" + p)) and self._names(v, r):
                return r
        return None

    def device(self, model):
        m = read_fold(model)
        if not m:
            return None
        for r in self.rows:
            if r["kind"] == "device" and m in (read_fold(r["label"]),
                                               read_fold(r["product"] + " " + r["label"])):
                return r
        return None

    def windows11(self, cpu):
        """Processor generation from "Core iN-NNNN[x]" or "Core Ultra N NNN", else a codename."""
        import re
        text = (cpu or "").lower()
        m = re.search(r"core\s+ultra\s+\d\s+(\d)\d\d", text)
        key = ("Intel Core Ultra", int(m.group(1))) if m else None
        if key is None:
            m = re.search(r"i[3579]-(\d{3,5})", text)
            if m:
                digits = m.group(1)
                if len(digits) == 3:
                    key = ("Intel Core", 1)
                elif digits[:2] in ("10", "11", "12", "13", "14"):
                    key = ("Intel Core", int(digits[:2]))
                elif len(digits) == 4:
                    key = ("Intel Core", int(digits[0]))
        for p in self.processors:
            if key and (p["family"], int(p["generation"])) == key:
                return p["windows11"] == "yes"
        for p in self.processors:
            if p["codename"] and p["codename"].lower() in text:
                return p["windows11"] == "yes"
        return False

    def replacement_day(self, a):
        """The last supported day that replaces asset a, or None."""
        if a.get("support_end"):
            return dt.date.fromisoformat(a["support_end"])
        by_os = self.release(a.get("os"), a.get("os_version"))
        by_model = self.device(a.get("model"))
        rel = by_os
        if by_model is not None and (rel is None or (by_model["security"] or dt.date.max)
                                     < (rel["security"] or dt.date.max)):
            rel = by_model
        if rel is None:
            return None
        model_end = by_model["security"] if by_model else None
        if by_os is not None and by_os["security"] is not None:
            for u in self.upgrades:
                if u["product"] != by_os["product"] or not by_os["cycle"].startswith(u["from"]):
                    continue
                if u["requires"] == "processor":
                    if not self.windows11(a.get("cpu")):
                        continue
                    then = model_end
                else:
                    runs = (by_model or {}).get("runs_os") or ""
                    if " " not in runs:
                        continue
                    name, span = runs.split(" ", 1)
                    last = span.split("-")[-1].strip()
                    if read_fold(name) != read_fold(u["to"]) or \
                            read_fold(last) == read_fold(by_os["cycle"]):
                        continue
                    target = self.release(name, last)
                    if target is None:
                        continue
                    ends = [d for d in (target["security"], model_end) if d is not None]
                    then = min(ends) if ends else None
                if then is not None and then <= by_os["security"]:
                    continue  # the upgraded kit would not outlive the old release
                return then
        name = read_fold(f'{rel["product"]} {rel["label"]}')
        name2 = read_fold(f'{rel["product"]} {rel["cycle"]}')
        if rel["ext"] is not None and (name in self.extended or name2 in self.extended):
            return rel["ext"]
        return rel["security"]

    def due(self, a):
        """The date support makes a due, or None (class not replaced, or no end known)."""
        if a["class"] not in self.replaces:
            return None
        day = self.replacement_day(a)
        if day is None:
            return None
        return add_years(day, -1) if self.before else day


def load_estate():
    orgs = read_csv(os.path.join(ESTATE, "organisations.csv"))
    shares = {}
    for o in orgs:
        if o["shares"]:
            members = []
            for part in o["shares"].split(";"):
                code, ratio = part.split("=")
                members.append((code, Decimal(ratio)))
            shares[o["code"]] = sorted(members)
    assets = read_csv(os.path.join(ESTATE, "assets.csv"))
    for a in assets:
        a["date"] = dt.date.fromisoformat(a["in_service_date"]) if a["in_service_date"] else None
        a["lease"] = dt.date.fromisoformat(a["lease_end"]) if a["lease_end"] else None
    return [o["code"] for o in orgs], shares, assets


def split(pence, members):
    """Largest remainder: floors, then the spare pennies to the largest remainders
    (earlier member first on a tie)."""
    total = sum(r for _, r in members)
    exact = [Decimal(pence) * r / total for _, r in members]
    parts = [int(e.to_integral_value(rounding=ROUND_FLOOR)) for e in exact]
    left = pence - sum(parts)
    order = sorted(range(len(members)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in order[:left]:
        parts[i] += 1
    return parts


def run(policy):
    _, shares, assets = load_estate()
    years = [FIRST_YEAR + i for i in range(YEARS)]
    last = years[-1]
    live = [a for a in assets if a["status"] in ("in_use", "in_store")]
    unknown = [a for a in live if a["funding"] == "purchased" and a["date"] is None]
    leased = [a for a in live if a["funding"] == "leased"]
    scheduled = [a for a in live if a["funding"] == "purchased" and a["date"] is not None]

    # due[y] = list of candidates (asset, due date, cause)
    due = {y: [] for y in years}
    support = Support()
    for a in scheduled:
        d = add_years(a["date"], policy.life(a))
        cause = None
        s = support.due(a)
        if s is not None and fy(s) < fy(d):
            d, cause = s, "end_of_support"
        y = fy(d)
        if y > last:
            continue
        if cause is None:
            cause = "overdue" if y < FIRST_YEAR else "age"
        due[max(y, FIRST_YEAR)].append((a, d, cause))

    def key(c):
        a, d, _ = c
        return (d, PRIORITY.index(a["class"]), a["asset_tag"], a["organisation"])

    events = []  # (asset, due date, cause, funded year or None, cost)
    summary = []
    deferred = []
    for i, y in enumerate(years):
        row = {"due": [0, Decimal(0)], "overdue": [0, Decimal(0)], "in": [0, Decimal(0)],
               "funded": [0, Decimal(0)], "out": [0, Decimal(0)]}
        for a, d, cause in deferred:
            row["in"][0] += 1
            row["in"][1] += policy.cost(a, y)
        for a, d, cause in due[y]:
            row["due"][0] += 1
            row["due"][1] += policy.cost(a, y)
            if cause == "overdue" or (cause == "end_of_support"
                                      and d < dt.date(FIRST_YEAR, 4, 1)):
                row["overdue"][0] += 1
                row["overdue"][1] += policy.cost(a, y)
        candidates = sorted(deferred + due[y], key=key)
        deferred = []
        cap = None if policy.caps is None else policy.caps.get(y)
        left = cap
        for a, d, cause in candidates:
            c = policy.cost(a, y)
            if left is None or c <= left:
                if left is not None:
                    left -= c
                row["funded"][0] += 1
                row["funded"][1] += c
                events.append((a, d, cause, y, c))
                nxt = y + policy.life(a)
                if nxt <= last:
                    due[nxt].append((a, dt.date(nxt, 4, 1), "repeat_cycle"))
            else:
                deferred.append((a, d, cause))
                row["out"][0] += 1
                row["out"][1] += policy.cost(a, y + 1)
        row["past"] = len(deferred)
        summary.append((y, row))
    unfunded = [0, Decimal(0)]
    for a, d, cause in deferred:
        c = policy.cost(a, last + 1)
        unfunded[0] += 1
        unfunded[1] += c
        events.append((a, d, cause, None, c))

    out = ["years," + ",".join(fy_label(y) for y in years)]

    def table(kind, rows):
        for label, amounts in rows:
            out.append(f"{kind},{label}," + ",".join(money(x) for x in amounts)
                       + "," + money(sum(amounts)))

    def per_year(select):
        by = {}
        for a, d, cause, y, c in events:
            if y is None:
                continue
            k = select(a)
            by.setdefault(k, [Decimal(0)] * YEARS)
            by[k][y - FIRST_YEAR] += c
        return by

    # Lines: every line, in line order.
    line_rows = {}
    for cls, (order, name) in policy.lines.items():
        line_rows.setdefault((order, name), [Decimal(0)] * YEARS)
    for cls, amounts in per_year(lambda a: a["class"]).items():
        order, name = policy.lines[cls]
        line_rows[(order, name)] = [x + z for x, z in zip(line_rows[(order, name)], amounts)]
    lines = [(name, amounts) for (order, name), amounts in sorted(line_rows.items())]
    table("line", lines)

    by_class = per_year(lambda a: a["class"])
    table("class", [(LABEL.get(c, c), by_class[c]) for c in PRIORITY
                    if c in by_class and any(by_class[c])])

    by_org = per_year(lambda a: a["organisation"])
    org_pence = {}
    for code, amounts in by_org.items():
        pence = [int(x * 100) for x in amounts]
        if code in shares:
            for yi, p in enumerate(pence):
                for (member, _), part in zip(shares[code], split(p, shares[code])):
                    org_pence.setdefault(member, [0] * YEARS)
                    org_pence[member][yi] += part
        else:
            org_pence.setdefault(code, [0] * YEARS)
            org_pence[code] = [x + z for x, z in zip(org_pence[code], pence)]
    table("org", [(code, [Decimal(p) / 100 for p in org_pence[code]])
                  for code in sorted(org_pence) if any(org_pence[code])])

    for kind, col, none in (("site", "site", "(no site)"),
                            ("department", "department", "(no department)")):
        by = per_year(lambda a: (a["organisation"], a[col]))
        named = sorted(k for k in by if k[1] and any(by[k]))
        rows = [(f"{name} ({org})", by[(org, name)]) for org, name in named]
        blanks = [Decimal(0)] * YEARS
        for k in by:
            if not k[1]:
                blanks = [x + z for x, z in zip(blanks, by[k])]
        if any(blanks):
            rows.append((none, blanks))
        table(kind, rows)

    totals = [sum(r[1][i] for r in lines) for i in range(YEARS)]
    out.append("total,," + ",".join(money(x) for x in totals) + "," + money(sum(totals)))

    for y, r in summary:
        out.append(",".join([
            "summary", fy_label(y),
            str(r["due"][0]), money(r["due"][1]),
            str(r["overdue"][0]), money(r["overdue"][1]),
            str(r["in"][0]), money(r["in"][1]),
            str(r["funded"][0]), money(r["funded"][1]),
            str(r["out"][0]), money(r["out"][1]),
            str(r["past"])]))
    out.append(f"unfunded,{unfunded[0]},{money(unfunded[1])},{fy_label(last + 1)}")
    out.append(f"unknown_age,{len(unknown)},{money(sum(policy.unit(a) for a in unknown))}")
    lease_years = [0] * YEARS
    before = after = none = 0
    for a in leased:
        if a["lease"] is None:
            none += 1
        elif fy(a["lease"]) < FIRST_YEAR:
            before += 1
        elif fy(a["lease"]) > last:
            after += 1
        else:
            lease_years[fy(a["lease"]) - FIRST_YEAR] += 1
    out.append("leases," + ",".join(str(n) for n in lease_years) + f",{before},{after},{none}")

    for name, amounts in lines:
        for label, amount in [(fy_label(y), amounts[i]) for i, y in enumerate(years)] + \
                [("horizon", sum(amounts))]:
            bodies = []
            if amount > policy.joint_board:
                bodies.append("joint board")
            if amount > policy.strategy_group:
                bodies.append("strategy group")
            if bodies:
                out.append(f"approval,{name},{label},{money(amount)},{';'.join(bodies)}")

    def detail_key(e):
        a, d, cause, y, c = e
        return (y if y is not None else 10**6, d, PRIORITY.index(a["class"]), a["asset_tag"],
                a["organisation"])

    for a, d, cause, y, c in sorted(events, key=detail_key):
        scheduled_year = max(fy(d), FIRST_YEAR)
        reason = cause if y == scheduled_year else "deferred"
        out.append(",".join(["detail", a["organisation"], a["asset_tag"], d.isoformat(),
                             fy_label(y) if y is not None else "unfunded", reason, money(c)]))
    return "\n".join(out) + "\n"


def main():
    global ESTATE
    scenarios = os.path.join(ROOT, "data", "scenarios")
    estates = {
        "forecast-estate": {
            "base": None,
            "capped": os.path.join(GOLDEN, "forecast-estate", "capped.toml"),
            "extend": os.path.join(scenarios, "extend-desktop-life.toml"),
        },
        "sample-estate": {
            "base": None,
            "capped": os.path.join(scenarios, "capped-250k.toml"),
            "extend": os.path.join(scenarios, "extend-desktop-life.toml"),
        },
    }
    for estate, cases in estates.items():
        ESTATE = os.path.join(GOLDEN, estate)
        for name, scenario in cases.items():
            policy = Policy()
            if scenario:
                policy.apply_scenario(scenario)
            path = os.path.join(ESTATE, f"expected-{name}.txt")
            with open(path, "w", encoding="utf-8") as f:
                f.write(run(policy))
            print(f"wrote {os.path.relpath(path, ROOT)}")


if __name__ == "__main__":
    main()
