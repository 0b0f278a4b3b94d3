#!/usr/bin/env bash
# Build the offline lecture edition: the book (every notebooks/NN_*.ipynb, executed) and slides.
#   bash book/build.sh            -> book/_build/html/index.html and book/_build/html/slides/*.slides.html
# Sets itself up from the package registries (pip + npm ci); the build itself uses no network.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then python3 -m venv .venv; fi
.venv/bin/pip install -q -e '.[test]' 'jupyter-book>=1.0,<2'
(cd book && npm ci --no-audit --no-fund --loglevel=error)
exec .venv/bin/python book/make.py "$@"
