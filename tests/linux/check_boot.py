#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Checks one Linux boot on QEMU virt with the smmuv3-model core (issue 12).

check_boot.py MODE CONSOLE [STATS.json]
MODE: strict, lazy or passthrough. Prints one line per check; exit 1 when any fails.
"""
import json
import re
import sys

DEFAULT_DOMAIN = {"strict": "DMA", "lazy": "DMA-FQ", "passthrough": "identity"}
DISKS = {"1af4:1042": "virtio-blk", "1b36:0010": "nvme"}
DISK_CHECKS_PER_DISK = 14   # present, 4 sequential reads, 3 random reads, 3 sequential + 3 random writes


def main():
    if len(sys.argv) not in (3, 4) or sys.argv[1] not in DEFAULT_DOMAIN:
        print(__doc__, file=sys.stderr)
        return 2
    mode, console = sys.argv[1], sys.argv[2]
    try:
        log = open(console, errors="replace").read()
    except OSError as e:
        print(f"FAIL  console log: {e}\n{mode}: FAIL (no console log)")
        return 1
    fails = []

    def check(name, ok, detail=""):
        print(("ok    " if ok else "FAIL  ") + name + (": " + detail if detail else ""))
        if not ok:
            fails.append(name)

    probe = re.search(r"arm-smmu-v3 \S+: ias (\d+)-bit, oas (\d+)-bit", log)
    check("driver probed (arm-smmu-v3 ... ias ... oas)", probe is not None,
          probe.group(0) if probe else "no probe line in " + console)
    bad = [l for l in log.splitlines() if "arm-smmu-v3" in l and
           re.search(r"event 0x|global error|GERROR|CMD_SYNC timeout|timeout|overflow|CMDQ error|failed", l)]
    check("no event/GERROR/CMD_SYNC-timeout lines from the driver", not bad, "; ".join(bad[:3]))
    groups = dict(re.findall(r"^SMMUTEST GROUP \S+ (\S+) (\S+)", log, re.M))
    for pci_id, disk in DISKS.items():
        got = groups.get(pci_id)
        check(f"{disk} in an IOMMU group of type {DEFAULT_DOMAIN[mode]}", got == DEFAULT_DOMAIN[mode],
              f"group type {got}")
    failed = re.findall(r"^SMMUTEST FAIL (.*)$", log, re.M)
    done = re.search(r"^SMMUTEST DONE fail=(\d+) pass=(\d+)", log, re.M)
    want = DISK_CHECKS_PER_DISK * len(DISKS)
    check(f"all {want} checksum checks passed", bool(done) and not failed and int(done.group(2)) == want,
          (done.group(0) if done else "the workload did not finish") + ("; " + "; ".join(failed[:4]) if failed else ""))

    st = None
    if len(sys.argv) == 4:
        try:
            st = json.load(open(sys.argv[3]))
        except (OSError, ValueError) as e:
            check("statistics written at exit", False, str(e))
    if st is not None:
        drv, core = st["driver"], st["smmu"]["core"]
        xl = st["translations"]
        ops = st["smmu"]["commands_by_opcode"]
        tlbi_va = ops.get("0x12", 0) + ops.get("0x13", 0)
        print(f"      translations {xl}, walks {st['walks']}, bypassed {st['bypassed']}, commands {drv['commands']}, "
              f"CMD_SYNC {drv['syncs']}, TLBI {drv['tlbi']} (by VA {tlbi_va}), CFGI {drv['cfgi']}")
        check("every translation succeeded", xl > 0 and st["failed"] == 0 and not st["events"],
              f"{xl} translations, {st['failed']} failed, events {st['events']}")
        check("no event records", core["events_recorded"] == 0, f"{core['events_recorded']} recorded")
        per_xl = drv["tlbi"] / xl if xl else 0.0
        if mode == "strict":
            # Strict: every unmap invalidates its IOVAs and waits (TLBI_NH_VA + CMD_SYNC), so both scale with DMA.
            check("strict: TLBI by VA and CMD_SYNC per unmap",
                  tlbi_va >= 1000 and drv["syncs"] >= 1000 and tlbi_va / xl >= 0.05,
                  f"{tlbi_va} TLBI by VA, {drv['syncs']} CMD_SYNC, {per_xl:.3f} TLBI per translation")
        elif mode == "lazy":
            # Lazy: unmaps wait in the flush queue and are invalidated per batch by ASID: no TLBI by VA, far fewer.
            check("lazy: far fewer TLBIs (flush-queue batches by ASID), none by VA",
                  tlbi_va == 0 and ops.get("0x11", 0) > 0 and per_xl < 0.02,
                  f"{drv['tlbi']} TLBI ({ops.get('0x11', 0)} by ASID, {tlbi_va} by VA), {per_xl:.4f} per translation")
        else:
            check("passthrough: every translation bypassed, no walks",
                  st["bypassed"] == xl and core["walks"] == 0 and st["walks"] == 0,
                  f"{st['bypassed']} of {xl} bypassed, {core['walks']} walks")
    print(f"{mode}: {'PASS' if not fails else 'FAIL (' + ', '.join(fails) + ')'}")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
