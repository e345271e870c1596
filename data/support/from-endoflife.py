#!/usr/bin/env python3
"""Writes data/support/support.csv from endoflife.date product files.

Usage: python3 data/support/from-endoflife.py DIR TAKEN > data/support/support.csv
  DIR   a folder of endoflife.date product files (products/*.md in
        https://github.com/endoflife-date/endoflife.date), MIT licence
  TAKEN the date the files were taken, e.g. 2026-12-07

Each release cycle becomes one row. A date column holds an ISO date, `ended`
(the file says support has ended but gives no date) or is blank (no end
announced, or the column does not apply).
"""
import csv
import datetime
import sys

import yaml

# file -> (product as estate names it, kind). `os` rows match an asset's
# operating system + version; `device` rows match its manufacturer + model.
PRODUCTS = {
    "windows": ("Windows", "os"),
    "windows-server": ("Windows Server", "os"),
    "macos": ("macOS", "os"),
    "ios": ("iOS", "os"),
    "ipados": ("iPadOS", "os"),
    "android": ("Android", "os"),
    "vmware-esxi": ("ESXi", "os"),
    "vmware-vcenter": ("vCenter", "os"),
    "ubuntu": ("Ubuntu", "os"),
    "rhel": ("RHEL", "os"),
    "debian": ("Debian", "os"),
    "sles": ("SLES", "os"),
    "cisco-ios-xe": ("Cisco IOS XE", "os"),
    "fortios": ("FortiOS", "os"),
    "netapp-ontap": ("ONTAP", "os"),
    "nutanix-aos": ("Nutanix AOS", "os"),
    "proxmox-ve": ("Proxmox VE", "os"),
    "mssqlserver": ("SQL Server", "software"),
    "msexchange": ("Exchange", "software"),
    "office": ("Office", "software"),
    "sharepoint": ("SharePoint", "software"),
    "citrix-vad": ("Citrix Virtual Apps and Desktops", "software"),
    "veeam-backup-and-replication": ("Veeam Backup & Replication", "software"),
    "iphone": ("iPhone", "device"),
    "pixel": ("Pixel", "device"),
    "samsung-mobile": ("Samsung Galaxy", "device"),
    "samsung-galaxy-tab": ("Samsung Galaxy Tab", "device"),
    "surface": ("Surface", "device"),
}


def front_matter(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    parts = text.split("\n---", 1)
    return yaml.safe_load(parts[0].lstrip("-\n"))


def date_cell(value):
    if value is True:
        return "ended"
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()[:10]
    return ""


# A device file's field naming the OS releases a model runs -> that OS's product name.
RUNS_OS = {
    "supportedIosVersions": "iOS",
    "supportedIpadosVersions": "iPadOS",
    "supportedAndroidVersions": "Android",
}


def runs_os(release):
    for field, os in RUNS_OS.items():
        value = release.get(field)
        if value not in (None, ""):
            return f"{os} {value}"
    return ""


def main():
    folder, taken = sys.argv[1], sys.argv[2]
    out = csv.writer(sys.stdout, lineterminator="\n")
    print("# End-of-support dates per release cycle, from endoflife.date (MIT licence, "
          "Copyright 2020 endoflife.date contributors; see endoflife/LICENSE in the source).")
    print("# Written by data/support/from-endoflife.py; edit by hand or re-run it. Dates: ISO, "
          "`ended` (ended, no date given) or blank (no end announced).")
    print("# active_support_end = end of active (mainstream) support; security_support_end = last "
          "day of security updates; extended_support_end = paid extended updates (ESU/ELS/LTSS) where sold.")
    print("# runs_os (device rows) = the operating system releases the model runs, first - last, as the file's "
          "supported...Versions field gives them (e.g. iOS 12 - 18): a later release than an asset runs is an OS upgrade.")
    out.writerow(["product", "kind", "cycle", "label", "active_support_end",
                  "security_support_end", "extended_support_end", "source_url",
                  "source_file", "taken", "runs_os"])
    for slug, (product, kind) in PRODUCTS.items():
        data = front_matter(f"{folder}/{slug}.md")
        for r in data.get("releases", []):
            cycle = str(r["releaseCycle"])
            label = str(r.get("releaseLabel") or cycle)
            label = label.replace("__RELEASE_CYCLE__", cycle)
            label = label.replace(" '__CODENAME__'", "").replace("__CODENAME__", "")
            for tag in ("<abbr title='Long-Term Servicing Channel'>", "</abbr>"):
                label = label.replace(tag, "")
            eol = r.get("eol")
            eoas = r.get("eoas")
            if eoas is None:
                eoas = eol
            link = r.get("link") or f"https://endoflife.date/{slug}"
            out.writerow([product, kind, cycle, label, date_cell(eoas), date_cell(eol),
                          date_cell(r.get("eoes")), link, f"endoflife.date/products/{slug}.md",
                          taken, runs_os(r)])


main()
