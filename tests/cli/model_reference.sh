#!/usr/bin/env bash
# docs/model-reference.md is what `gliasim models --markdown` prints from the model registry:
# a model or parameter added, renamed or re-documented without regenerating the file fails here.
#   bash model_reference.sh PATH/TO/gliasim REPOSITORY_ROOT
set -u
if diff -u "$2/docs/model-reference.md" <("$1" models --markdown); then
  echo "ok: docs/model-reference.md matches the registry"
else
  echo "FAIL: docs/model-reference.md drifted from the registry; regenerate it with"
  echo "  gliasim models --markdown > docs/model-reference.md"
  exit 1
fi
