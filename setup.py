"""The wheel's build step: package data the metadata in pyproject.toml cannot express.

A wheel gets, under exportctl/_data, the schemas, the sidecar's authz policy and the bundle
built from policies/ by exportctl's own `build_bundle` (`exportctl._paths.write_package_data`),
with OPA found as exportctl finds it (`OPA_BIN`, `.tools/bin/opa`, `PATH`). When the bundle
cannot be built, the build fails: no wheel ships without the law. An editable install builds
nothing here: it reads the live files of the checkout.
"""

import shutil
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildPyWithPackageData(build_py):
    def run(self) -> None:
        package = Path(self.build_lib) / "exportctl"
        if not self.editable_mode:
            shutil.rmtree(package, ignore_errors=True)  # no module left over from an older build
        super().run()
        if self.editable_mode:
            return
        sys.path.insert(0, str(ROOT / "pyclient"))
        from exportctl._paths import PACKAGE_DATA, write_package_data
        from exportctl.errors import ExportCtlError

        try:
            revision = write_package_data(package / PACKAGE_DATA)
        except ExportCtlError as e:
            raise SystemExit(f"cannot build the policy bundle for the wheel: {e}") from e
        print(f"exportctl: packaged the bundle of policies/ (revision {revision})")


setup(cmdclass={"build_py": BuildPyWithPackageData})
