"""Finding and running the planner program.

Where the planner is, in order: the Processing setting "Planner executable"
(PLANNER_PATH), the PLANNER environment variable, "planner" on PATH.
"""
import os
import shutil
import subprocess

from qgis.core import QgsProcessingException

SETTING = "WUZHONG_PLANNER_PATH"

try:  # the Processing plugin's settings (present wherever Processing runs)
    from processing.core.ProcessingConfig import ProcessingConfig, Setting
except ImportError:  # pragma: no cover
    ProcessingConfig = Setting = None


def add_setting(group):
    if ProcessingConfig:
        ProcessingConfig.addSetting(Setting(group, SETTING, "Planner executable (bin/planner)", "",
                                            valuetype=Setting.FILE))
        ProcessingConfig.readSettings()


def remove_setting():
    if ProcessingConfig:
        ProcessingConfig.removeSetting(SETTING)


def planner_path():
    """Returns: the planner's path; raises QgsProcessingException when none."""
    cands = []
    if ProcessingConfig:
        cands.append(ProcessingConfig.getSetting(SETTING) or "")
    cands.append(os.environ.get("PLANNER", ""))
    for c in cands:
        if c and os.path.isfile(c) and os.access(c, os.X_OK):
            return c
    found = shutil.which("planner")
    if found:
        return found
    raise QgsProcessingException(
        "planner not found: set Processing > Options > Providers > Wuzhong planner > Planner executable, "
        "or the PLANNER environment variable, or put planner on PATH")


def run(args, feedback, ok_codes=(0,)):
    """Runs the planner with args; its stderr goes to the feedback log.
    Returns: (exit code, stdout text).  Raises QgsProcessingException on an
    exit code not in ok_codes (2: bad input), with the planner's message."""
    exe = planner_path()
    feedback.pushCommandInfo(" ".join([exe] + args))
    proc = subprocess.run([exe] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = proc.stdout.decode("utf-8", "replace")
    err = proc.stderr.decode("utf-8", "replace")
    for line in err.splitlines():
        feedback.pushInfo(line)
    if proc.returncode not in ok_codes:
        msg = err.strip().splitlines()[-1] if err.strip() else "no message"
        raise QgsProcessingException("planner exited %d: %s" % (proc.returncode, msg))
    return proc.returncode, out
