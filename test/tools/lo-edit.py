#!/usr/bin/python3
"""Edit cells of an XLSX file with LibreOffice itself and save it back as XLSX.

Usage: /usr/bin/python3 lo-edit.py <input.xlsx> <output.xlsx> <edits.json>

edits.json is a JSON array of {"sheet": "Fiche plan", "cell": "D14", "value": <string|number|null>}:
a number is set with setValue, a string with setString (so "=..." stays text), null clears the contents.

Run it with Debian's /usr/bin/python3 (it has the `uno` module). It starts a private headless soffice with a
fresh profile, so it never talks to another LibreOffice instance, and always stops it and removes the profile.
Exit codes: 0 ok, 1 LibreOffice or edit failure, 2 usage or bad edits file.
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException

CONNECT_DEADLINE_S = 30.0
SHUTDOWN_GRACE_S = 15.0
# Values, dates, strings and formulas; keeps formatting and comments, like Delete in the Calc UI.
CLEAR_FLAGS = 1 | 2 | 4 | 16
CELL_RE = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]{1,7})$")


class EditError(Exception):
    pass


def prop(name, value):
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def soffice_path():
    return os.environ.get("SOFFICE_PATH") or "/usr/bin/soffice"


def read_edits(path):
    try:
        edits = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise EditError(f"cannot read edits file {path}: {e}")
    if not isinstance(edits, list):
        raise EditError("edits file must hold a JSON array")
    for i, e in enumerate(edits):
        if not isinstance(e, dict) or not isinstance(e.get("sheet"), str) or not isinstance(e.get("cell"), str):
            raise EditError(f"edit #{i}: expected {{sheet: string, cell: string, value}}, got {e!r}")
        if "value" not in e:
            raise EditError(f"edit #{i}: missing 'value' (use null to clear)")
        v = e["value"]
        # bool is an int in Python; refuse it rather than writing 1/0.
        if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float, str))):
            raise EditError(f"edit #{i}: value must be a string, a number or null, got {v!r}")
        if not CELL_RE.match(e["cell"]):
            raise EditError(f"edit #{i}: '{e['cell']}' is not a single cell reference like D14")
    return edits


def start_soffice(profile_dir, log_path, pipe_name):
    args = [
        soffice_path(),
        f"-env:UserInstallation={Path(profile_dir).as_uri()}",
        "--headless", "--invisible", "--nologo", "--norestore", "--nodefault", "--nolockcheck",
        f"--accept=pipe,name={pipe_name};urp;StarOffice.ComponentContext",
    ]
    # Own session: soffice is a script that execs oosplash, which forks soffice.bin; killpg reaches them all.
    # Output goes to a file, not a pipe nobody reads (a full pipe would block soffice).
    with open(log_path, "wb") as log:
        return subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)


def connect(proc, log_path, pipe_name):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    url = f"uno:pipe,name={pipe_name};urp;StarOffice.ComponentContext"
    deadline = time.monotonic() + CONNECT_DEADLINE_S
    while True:
        if proc.poll() is not None:
            err = Path(log_path).read_text(encoding="utf-8", errors="replace").strip()
            raise EditError(f"soffice exited with code {proc.returncode} before accepting connections. {err}")
        try:
            return resolver.resolve(url)
        except NoConnectException:
            if time.monotonic() > deadline:
                raise EditError(f"could not connect to soffice within {CONNECT_DEADLINE_S:.0f} s")
            time.sleep(0.2)


def apply_edits(doc, edits):
    sheets = doc.Sheets
    for e in edits:
        name, ref, value = e["sheet"], e["cell"], e["value"]
        if not sheets.hasByName(name):
            raise EditError(f"sheet '{name}' not found (sheets: {', '.join(sheets.ElementNames)})")
        sheet = sheets.getByName(name)
        try:
            cell = sheet.getCellRangeByName(ref.replace("$", "").upper()).getCellByPosition(0, 0)
        except Exception:
            raise EditError(f"cell '{ref}' does not exist in sheet '{name}'")
        if value is None:
            cell.clearContents(CLEAR_FLAGS)
        elif isinstance(value, str):
            cell.setString(value)
        else:
            cell.setValue(float(value))


def stop_soffice(proc, desktop):
    if proc.poll() is not None:
        return
    if desktop is not None:
        try:
            desktop.terminate()
        except Exception:
            pass  # The bridge often dies while terminate() returns: expected.
        try:
            proc.wait(timeout=SHUTDOWN_GRACE_S)
            return
        except subprocess.TimeoutExpired:
            pass
    kill_soffice(proc)


def kill_soffice(proc):
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass


def on_signal(signum, _frame):
    # Turn SIGTERM (e.g. a caller's timeout) into an exception so the finally blocks stop soffice.
    raise SystemExit(128 + signum)


def main(argv):
    if len(argv) != 4:
        print("usage: lo-edit.py <input.xlsx> <output.xlsx> <edits.json>", file=sys.stderr)
        return 2
    input_path, output_path, edits_path = (str(Path(p).resolve()) for p in argv[1:4])
    if not os.path.isfile(input_path):
        print(f"lo-edit: input file not found: {input_path}", file=sys.stderr)
        return 2
    try:
        edits = read_edits(edits_path)
    except EditError as e:
        print(f"lo-edit: {e}", file=sys.stderr)
        return 2

    for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(s, on_signal)

    work_dir = tempfile.mkdtemp(prefix="lo-edit-")
    profile_dir = os.path.join(work_dir, "profile")
    log_path = os.path.join(work_dir, "soffice.log")
    pipe_name = f"lo_edit_{os.getpid()}_{uuid.uuid4().hex}"
    proc = None
    desktop = None
    interrupted = False
    try:
        proc = start_soffice(profile_dir, log_path, pipe_name)
        ctx = connect(proc, log_path, pipe_name)
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(input_path), "_blank", 0,
                                           (prop("Hidden", True), prop("ReadOnly", False)))
        if doc is None or not hasattr(doc, "Sheets"):
            raise EditError(f"LibreOffice could not open {input_path} as a spreadsheet")
        try:
            apply_edits(doc, edits)
            # The saved cached results must match the edited inputs.
            doc.calculateAll()
            doc.storeToURL(uno.systemPathToFileUrl(output_path),
                           (prop("FilterName", "Calc MS Excel 2007 XML"), prop("Overwrite", True)))
        finally:
            try:
                doc.close(True)
            except Exception:
                pass
        return 0
    except EditError as e:
        print(f"lo-edit: {e}", file=sys.stderr)
        return 1
    except SystemExit:
        interrupted = True
        print("lo-edit: interrupted", file=sys.stderr)
        raise
    except Exception as e:  # UNO exceptions carry their message in .Message
        print(f"lo-edit: {type(e).__name__}: {getattr(e, 'Message', '') or e}", file=sys.stderr)
        return 1
    finally:
        if proc is not None:
            # Graceful when the bridge is up (an edit error leaves soffice healthy); kill otherwise.
            if interrupted:
                kill_soffice(proc)
            else:
                stop_soffice(proc, desktop)
        shutil.rmtree(work_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
