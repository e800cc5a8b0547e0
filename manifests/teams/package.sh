#!/usr/bin/env bash
# Builds the Teams app package to upload (Teams admin center, or Apps > Manage your apps > Upload an app):
# manifest.json with the bot's app id and the host filled in, plus the two icons, zipped flat.
# Usage: manifests/teams/package.sh <Microsoft App ID> https://chatflows.example.com [out.zip]
#        (writes ./chatflows-teams.zip unless told otherwise)
set -euo pipefail
app_id="${1:-}"
base="${2:-}"
out="${3:-chatflows-teams.zip}"
usage="Usage: $0 <Microsoft App ID of the Azure Bot, a GUID> https://<your ChatFlows host> [out.zip] (ChatFlows:PublicBaseUrl; Teams calls it over public HTTPS)"
if [[ ! "$app_id" =~ ^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$ ]]; then
  echo "'$app_id' is not a Microsoft App ID (a GUID like 00000000-0000-0000-0000-000000000000)." >&2
  echo "$usage" >&2
  exit 2
fi
if [[ ! "$base" =~ ^https://([^/[:space:]]+)(/[^[:space:]]*)?$ ]]; then
  echo "'$base' is not a public HTTPS address." >&2
  echo "$usage" >&2
  exit 2
fi
host="${BASH_REMATCH[1]}"
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
sed -e "s|\${TEAMS_APP_ID}|${app_id,,}|g" -e "s|\${PUBLIC_HOST}|${host}|g" "$here/manifest.json" > "$work/manifest.json"
cp "$here/color.png" "$here/outline.png" "$work/"
out_path="$(realpath -m "$out")"
rm -f "$out_path"
# Teams wants the three files at the top of the zip, not in a folder.
if command -v zip >/dev/null 2>&1; then
  (cd "$work" && zip -q -X "$out_path" manifest.json color.png outline.png)
else
  python3 -c 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED); [z.write(sys.argv[2] + "/" + n, n) for n in ("manifest.json", "color.png", "outline.png")]; z.close()' "$out_path" "$work"
fi
echo "Wrote $out for app ${app_id,,} at https://$host"
