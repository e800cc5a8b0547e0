#!/usr/bin/env bash
# Prints the Slack app manifest with the request URLs of a ChatFlows host.
# Usage: manifests/slack/render.sh https://chatflows.example.com > slack-manifest.yml
set -euo pipefail
base="${1:-}"
if [[ ! "$base" =~ ^https://[^/[:space:]]+(/[^[:space:]]*)?$ ]]; then
  echo "Usage: $0 https://<your ChatFlows host> (ChatFlows:PublicBaseUrl; Slack calls it over public HTTPS)" >&2
  exit 2
fi
base="${base%/}"
sed -e "s|\${PUBLIC_BASE_URL}|${base}|g" -e '1,3d' "$(dirname "$0")/manifest.yml"
