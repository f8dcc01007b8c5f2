#!/usr/bin/env bash
# Run the unit tests (tests/, no notebooks) against an older torch/torchvision pair: the check behind the version
# floors in pyproject.toml and the table in README.md. Not part of CI: it downloads torch and its CUDA libraries
# (about 3.5 GB for a Linux CUDA wheel).
#
#   tools/check_floors.sh TORCH TORCHVISION [pytest arguments]      e.g. tools/check_floors.sh 2.8.0 0.23.0
#
# Run it from an environment that has the course's test dependencies (pip install -e ".[dev]"). It makes a
# throwaway environment .venv-floors-TORCH that sees that environment's packages (a .pth file) and installs only
# the pinned torch and torchvision (and what they need) of its own, which shadow the newer ones. The unit tests then
# run with the checkout's tl_course (PYTHONPATH), the notebooks do not run.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -lt 2 ]; then
  echo "usage: tools/check_floors.sh TORCH_VERSION TORCHVISION_VERSION [pytest arguments]" >&2
  exit 2
fi
torch_version=$1 vision_version=$2
shift 2
python=${PYTHON:-python}
env_dir=.venv-floors-$torch_version
"$python" -m venv --without-pip "$env_dir"            # kept for a rerun: rm -r .venv-floors-* when done
own_site=$("$env_dir/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
"$python" -c 'import sys; print("\n".join(p for p in sys.path if p.endswith(("site-packages", "dist-packages"))))' \
  >"$own_site/outer_site.pth"
"$env_dir/bin/python" -m pip install -q "torch==$torch_version" "torchvision==$vision_version"
"$env_dir/bin/python" -c 'import sys, torch, torchvision
print(f"floors check: python {sys.version.split()[0]}, torch {torch.__version__}, torchvision {torchvision.__version__}")
assert torch.__version__.split("+")[0] == sys.argv[1], "the pinned torch is not the one imported"' "$torch_version"
PYTHONPATH=$PWD "$env_dir/bin/python" -m pytest tests -q -o addopts="" -p no:cacheprovider "$@"
